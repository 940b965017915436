/**
 * @module
 * The graph as a Mermaid flowchart: one node per task (`n<id>`) or per task
 * name when collapsed (`g<index>`, with counts), a `classDef` per state
 * present, with the state's colors. Texts are quoted and escaped with
 * Mermaid's entity codes, so no name can break the chart.
 */
import { STATE_NAMES } from '../../vocabulary/state.ts';
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
  usedStates,
} from './view.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are replaced
const SPECIAL = /\r\n|[\n\r]|[#"&<>`\\]|[\u0000-\u001f\u007f]/g;
const ENTITIES: Readonly<Record<string, string>> = {
  '#': '#35;',
  '"': '#quot;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '`': '#96;',
  '\\': '#92;',
};

/**
 * Escapes a text for a quoted Mermaid label: `"`, `#`, `&`, `<`, `>`,
 * backslashes and backticks become entity codes (`#quot;`), line breaks
 * `<br/>`, other control characters spaces.
 */
export function escapeMermaid(text: string): string {
  return text.replace(SPECIAL, (c) => {
    if (c === '\n' || c === '\r' || c === '\r\n') return '<br/>';
    return ENTITIES[c] ?? ' ';
  });
}

/**
 * The graph as a Mermaid flowchart. Collapsed (one node per task name) when
 * it has more than `threshold` nodes, unless `expand`.
 * @example
 * toMermaid({ nodes: [{ id: 0, name: 'load', state: 'succeeded' }, { id: 1, name: 'fit' }], edges: [[0, 1]] })
 * // flowchart TB
 * //   n0["load #35;0"]:::succeeded
 * //   n1["fit #35;1"]
 * //   n0 --> n1
 * //   classDef succeeded fill:#d3f9d8,stroke:#2f9e44,color:#212529
 */
export function toMermaid(view: GraphView, options: ExportOptions = {}): string {
  const lines = [`flowchart ${options.direction ?? 'TB'}`];
  const node = (id: string, text: string, state: string | undefined) =>
    `  ${id}["${escapeMermaid(text)}"]${state === undefined ? '' : `:::${state}`}`;
  let states: (string | undefined)[];
  if (isCollapsed(view, options)) {
    const { groups, edges } = collapse(view);
    for (const g of groups) lines.push(node(`g${g.id}`, groupText(g), g.state));
    for (const e of edges)
      lines.push(`  g${e.from} -->${e.count > 1 ? `|${e.count}|` : ''} g${e.to}`);
    states = groups.map((g) => g.state);
  } else {
    for (const n of view.nodes) lines.push(node(exportId(n.id), nodeText(n), n.state));
    for (const [from, to] of knownEdges(view))
      lines.push(`  ${exportId(from)} --> ${exportId(to)}`);
    states = view.nodes.map((n) => n.state);
  }
  for (const state of usedStates(states as never[], STATE_NAMES)) {
    const { fill, stroke } = STATE_COLORS[state];
    const dash = state === 'cancelled' ? ',stroke-dasharray:4 3' : '';
    lines.push(`  classDef ${state} fill:${fill},stroke:${stroke},color:#212529${dash}`);
  }
  return `${lines.join('\n')}\n`;
}
