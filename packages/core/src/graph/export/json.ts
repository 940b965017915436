/**
 * @module
 * The graph as JSON, in a stable, versioned shape (`GraphJson`) for programs
 * and the web page. Full view:
 *
 *   { "version": 1, "kind": "full",
 *     "nodes": [{ "id": 0, "name": "load", "label": "day 1", "state": "succeeded", "text": "day 1" }],
 *     "edges": [[0, 1]] }
 *
 * Collapsed view (one group per task name; edges between group ids):
 *
 *   { "version": 1, "kind": "collapsed",
 *     "groups": [{ "id": 0, "name": "load", "total": 3, "states": { "succeeded": 3 },
 *                  "state": "succeeded", "text": "load ×3\n3 succeeded" }],
 *     "edges": [{ "from": 0, "to": 1, "count": 3 }] }
 *
 * `label` and `state` are left out when a node (or group) has none; `text` is what the
 * Mermaid and DOT output show. Edges whose ends are not nodes are left out.
 */
import type { TaskState } from '../../vocabulary/state.ts';
import { collapse } from './collapse.ts';
import {
  type ExportOptions,
  type GraphGroup,
  type GraphView,
  type GroupEdge,
  groupText,
  isCollapsed,
  knownEdges,
  nodeText,
} from './view.ts';

/** A node of the full view, as JSON. */
export interface GraphJsonNode {
  readonly id: number;
  readonly name: string;
  readonly label?: string;
  readonly state?: TaskState;
  readonly text: string;
}

/** The JSON shape of an exported graph (see the module comment). */
export type GraphJson =
  | {
      readonly version: 1;
      readonly kind: 'full';
      readonly nodes: readonly GraphJsonNode[];
      readonly edges: readonly (readonly [from: number, to: number])[];
    }
  | {
      readonly version: 1;
      readonly kind: 'collapsed';
      readonly groups: readonly (GraphGroup & { readonly text: string })[];
      readonly edges: readonly GroupEdge[];
    };

/** The graph in the JSON shape, as an object. */
export function graphJson(view: GraphView, options: ExportOptions = {}): GraphJson {
  if (isCollapsed(view, options)) {
    const { groups, edges } = collapse(view);
    return {
      version: 1,
      kind: 'collapsed',
      groups: groups.map((g) => ({ ...g, text: groupText(g) })),
      edges,
    };
  }
  const nodes = view.nodes.map(
    (n): GraphJsonNode => ({
      id: n.id,
      name: n.name,
      ...(n.label !== undefined ? { label: n.label } : {}),
      ...(n.state !== undefined ? { state: n.state } : {}),
      text: nodeText(n),
    }),
  );
  const edges = knownEdges(view).map(([from, to]) => [from, to] as const);
  return { version: 1, kind: 'full', nodes, edges };
}

/**
 * The graph as JSON text (`GraphJson`). Collapsed when it has more than
 * `threshold` nodes, unless `expand`.
 * @example
 * JSON.parse(toJson({ nodes: [{ id: 0, name: 'a' }], edges: [] }))
 * // { version: 1, kind: 'full', nodes: [{ id: 0, name: 'a', text: 'a #0' }], edges: [] }
 */
export function toJson(view: GraphView, options: ExportOptions = {}): string {
  return JSON.stringify(graphJson(view, options));
}
