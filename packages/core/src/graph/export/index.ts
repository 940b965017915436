/**
 * @module
 * Exports a task graph for people and programs: Mermaid (`toMermaid`),
 * Graphviz DOT (`toDot`) and JSON (`toJson`). Graphs above a threshold (300
 * nodes by default) are shown collapsed, one node per task name with counts
 * (`collapse`), unless `expand: true`.
 */
export { collapse, groupState } from './collapse.ts';
export { quoteDot, toDot } from './dot.ts';
export { type GraphJson, type GraphJsonNode, graphJson, toJson } from './json.ts';
export { escapeMermaid, toMermaid } from './mermaid.ts';
export {
  type CollapsedView,
  DEFAULT_THRESHOLD,
  type ExportOptions,
  type GraphGroup,
  type GraphNode,
  type GraphView,
  type GroupEdge,
  isCollapsed,
  nodeText,
  STATE_COLORS,
} from './view.ts';
