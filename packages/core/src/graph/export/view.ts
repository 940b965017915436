/**
 * @module
 * What the graph exporters take and share: the graph as plain data (nodes
 * with their names, labels and states; edges from prerequisite to
 * dependent), the export options, the text shown for a node, the colors of
 * each state, and the choice between the full and the collapsed view.
 */
import type { TaskState } from '../../vocabulary/state.ts';

/** One task of the graph. */
export interface GraphNode {
  readonly id: number;
  readonly name: string;
  readonly label?: string | undefined;
  readonly state?: TaskState | undefined;
}

/** A run's task graph as plain data; an edge goes from a task to one that depends on it. */
export interface GraphView {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly (readonly [from: number, to: number])[];
}

/** Tasks of one name, in the collapsed view. `id` is its index in `groups`. */
export interface GraphGroup {
  readonly id: number;
  readonly name: string;
  /** Tasks in the group. */
  readonly total: number;
  /** Tasks in each state, for the states present, in the order of `STATE_NAMES`. */
  readonly states: Readonly<Partial<Record<TaskState, number>>>;
  /** The state that stands for the group (see `groupState`); undefined when no task has one. */
  readonly state: TaskState | undefined;
}

/** An edge between groups, standing for `count` edges between their tasks. */
export interface GroupEdge {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/** The graph with its tasks grouped by name. */
export interface CollapsedView {
  readonly groups: readonly GraphGroup[];
  readonly edges: readonly GroupEdge[];
}

/** Options of `toMermaid`, `toDot` and `toJson`. */
export interface ExportOptions {
  /** Always the full view, however many nodes. */
  readonly expand?: boolean;
  /** Above this many nodes, the collapsed view is used unless `expand` (default 300). */
  readonly threshold?: number;
  /** Layout direction: top to bottom (default) or left to right. */
  readonly direction?: 'TB' | 'LR';
}

/** Nodes above which the collapsed view is the default. */
export const DEFAULT_THRESHOLD = 300;

/** Fill and border color of each state, shared by the Mermaid and DOT output. */
export const STATE_COLORS: Readonly<Record<TaskState, { fill: string; stroke: string }>> = {
  pending: { fill: '#f1f3f5', stroke: '#868e96' },
  ready: { fill: '#e7f5ff', stroke: '#1c7ed6' },
  running: { fill: '#fff3bf', stroke: '#f08c00' },
  succeeded: { fill: '#d3f9d8', stroke: '#2f9e44' },
  failed: { fill: '#ffe3e3', stroke: '#e03131' },
  upstream_failed: { fill: '#ffe8cc', stroke: '#e8590c' },
  cancelled: { fill: '#e9ecef', stroke: '#495057' },
  cached: { fill: '#e6fcf5', stroke: '#0ca678' },
};

/** The text shown for a node: its label if it has one, else `name #id`. */
export function nodeText(node: GraphNode): string {
  return node.label !== undefined && node.label !== '' ? node.label : `${node.name} #${node.id}`;
}

/** The text shown for a group: `name ×total`, then its counts by state on a second line. */
export function groupText(group: GraphGroup): string {
  const counts = Object.entries(group.states).map(
    ([state, n]) => `${n} ${state.replace('_', ' ')}`,
  );
  return `${group.name} ×${group.total}${counts.length > 0 ? `\n${counts.join(', ')}` : ''}`;
}

/** Whether `toMermaid`, `toDot` and `toJson` show `view` collapsed. */
export function isCollapsed(view: GraphView, options: ExportOptions = {}): boolean {
  return !options.expand && view.nodes.length > (options.threshold ?? DEFAULT_THRESHOLD);
}

/** A node id for Mermaid and DOT: `n12`; `n_1` for -1 (ids are integers, but any number works). */
export function exportId(id: number): string {
  return `n${String(id).replace(/[^0-9A-Za-z]/g, '_')}`;
}

/** The edges of `view` whose both ends are nodes of `view`, in order. */
export function knownEdges(view: GraphView): (readonly [number, number])[] {
  const ids = new Set(view.nodes.map((n) => n.id));
  return view.edges.filter(([from, to]) => ids.has(from) && ids.has(to));
}

/** The states used by `states`, in the order of `STATE_NAMES` (for class definitions). */
export function usedStates(
  states: Iterable<TaskState | undefined>,
  order: readonly TaskState[],
): TaskState[] {
  const used = new Set(states);
  return order.filter((s) => used.has(s));
}
