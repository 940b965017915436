/**
 * @module
 * The graph in Graphviz DOT: a `digraph` with one box per task (`n<id>`) or
 * per task name when collapsed (`g<index>`, with counts, edges labelled with
 * their multiplicity), filled with the state's color. Every text is a quoted
 * DOT string with `"` and `\` escaped, so no name can break the file.
 */

import type { TaskState } from '../../vocabulary/state.ts';
import { collapse } from './collapse.ts';
import {
  type ExportOptions,
  exportId,
  type GraphView,
  groupText,
  isCollapsed,
  knownEdges,
  nodeText,
  STATE_COLORS,
} from './view.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are replaced
const SPECIAL = /\r\n|[\n\r"\\]|[\u0000-\u001f\u007f]/g;

/**
 * A DOT quoted string: `"` and `\` escaped with a backslash, line breaks
 * as `\n` (a centered line in a label), other control characters as spaces.
 */
export function quoteDot(text: string): string {
  const escaped = text.replace(SPECIAL, (c) => {
    if (c === '"' || c === '\\') return `\\${c}`;
    if (c === '\n' || c === '\r' || c === '\r\n') return '\\n';
    return ' ';
  });
  return `"${escaped}"`;
}

function attributes(text: string, state: TaskState | undefined): string {
  if (state === undefined) return `label=${quoteDot(text)}`;
  const { fill, stroke } = STATE_COLORS[state];
  const dashed = state === 'cancelled' ? ', style="rounded,filled,dashed"' : '';
  return `label=${quoteDot(text)}, fillcolor="${fill}", color="${stroke}"${dashed}`;
}

/**
 * The graph in Graphviz DOT. Collapsed (one node per task name) when it has
 * more than `threshold` nodes, unless `expand`.
 * @example
 * toDot({ nodes: [{ id: 0, name: 'load', state: 'succeeded' }], edges: [] })
 * // digraph weft {
 * //   rankdir=TB;
 * //   node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];
 * //   n0 [label="load #0", fillcolor="#d3f9d8", color="#2f9e44"];
 * // }
 */
export function toDot(view: GraphView, options: ExportOptions = {}): string {
  const lines = [
    'digraph weft {',
    `  rankdir=${options.direction ?? 'TB'};`,
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
  ];
  if (isCollapsed(view, options)) {
    const { groups, edges } = collapse(view);
    for (const g of groups) lines.push(`  g${g.id} [${attributes(groupText(g), g.state)}];`);
    for (const e of edges) {
      const label = e.count > 1 ? ` [label="${e.count}"]` : '';
      lines.push(`  g${e.from} -> g${e.to}${label};`);
    }
  } else {
    for (const n of view.nodes)
      lines.push(`  ${exportId(n.id)} [${attributes(nodeText(n), n.state)}];`);
    for (const [from, to] of knownEdges(view))
      lines.push(`  ${exportId(from)} -> ${exportId(to)};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
