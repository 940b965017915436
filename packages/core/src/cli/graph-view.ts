/**
 * @module
 * A run's graph for `weft graph` and `--dry-run`: built from the tasks a
 * store recorded (with their states) or from a dry run's submissions, and
 * printed as Mermaid, DOT or JSON by the exporters of `graph/export`.
 */
import type { GraphNode, GraphView } from '../graph/export/view.ts';
import type { TaskRecord } from '../store/run-store.ts';
import { UsageError } from './errors.ts';

export type { GraphNode, GraphView };

export const GRAPH_FORMATS = ['mermaid', 'dot', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** The graph of recorded tasks: one node per task, an edge from each input to its dependent. */
export function viewOfTasks(tasks: readonly TaskRecord[]): GraphView {
  const nodes: GraphNode[] = [];
  const edges: [number, number][] = [];
  for (const t of tasks) {
    nodes.push({ id: t.id, name: t.name, label: t.label, state: t.state });
    for (const dep of t.deps) edges.push([dep, t.id]);
  }
  return { nodes, edges };
}

/** The graph as text in `format` (collapsed by task name when large, unless `expand`). */
export async function formatGraph(
  view: GraphView,
  format: string,
  expand: boolean,
): Promise<string> {
  const { toDot, toJson, toMermaid } = await import('../graph/export/index.ts');
  const options = { expand };
  switch (format) {
    case 'mermaid':
      return toMermaid(view, options);
    case 'dot':
      return toDot(view, options);
    case 'json':
      return `${toJson(view, options)}\n`;
    default:
      throw new UsageError(
        `unknown graph format ${JSON.stringify(format)}; expected one of: ${GRAPH_FORMATS.join(', ')}`,
      );
  }
}
