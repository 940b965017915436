/**
 * @module
 * The collapsed view: one node per task name, with how many tasks it stands
 * for in total and in each state, and one edge per pair of names with how
 * many task edges it stands for. Keeps a graph of a million tasks readable.
 */
import { STATE_NAMES, type TaskState } from '../../vocabulary/state.ts';
import type { CollapsedView, GraphGroup, GraphView, GroupEdge } from './view.ts';

/** The state that stands for a group: the first one present in this order. */
const GROUP_STATE_ORDER: readonly TaskState[] = [
  'failed',
  'upstream_failed',
  'cancelled',
  'running',
  'ready',
  'pending',
  'succeeded',
  'cached',
];

/**
 * The state shown for a group of tasks: a failure if any, else activity
 * (running, then waiting), else done.
 */
export function groupState(
  states: Readonly<Partial<Record<TaskState, number>>>,
): TaskState | undefined {
  return GROUP_STATE_ORDER.find((s) => (states[s] ?? 0) > 0);
}

/**
 * Groups the nodes of `view` by task name, in the order names first appear.
 * Edges whose ends are not nodes of `view` are left out.
 * @example
 * collapse({ nodes: [{ id: 0, name: 'a' }, { id: 1, name: 'a' }], edges: [[0, 1]] })
 * // { groups: [{ id: 0, name: 'a', total: 2, states: {}, state: undefined }],
 * //   edges: [{ from: 0, to: 0, count: 1 }] }
 */
export function collapse(view: GraphView): CollapsedView {
  const groupOfName = new Map<string, number>();
  const groupOfNode = new Map<number, number>();
  const totals: number[] = [];
  const counts: Map<TaskState, number>[] = [];
  const names: string[] = [];
  for (const node of view.nodes) {
    let g = groupOfName.get(node.name);
    if (g === undefined) {
      g = names.length;
      groupOfName.set(node.name, g);
      names.push(node.name);
      totals.push(0);
      counts.push(new Map());
    }
    groupOfNode.set(node.id, g);
    totals[g]!++;
    if (node.state !== undefined) counts[g]!.set(node.state, (counts[g]!.get(node.state) ?? 0) + 1);
  }
  const groups: GraphGroup[] = names.map((name, id) => {
    const states: Partial<Record<TaskState, number>> = {};
    for (const s of STATE_NAMES) {
      const n = counts[id]!.get(s);
      if (n !== undefined) states[s] = n;
    }
    return { id, name, total: totals[id]!, states, state: groupState(states) };
  });

  const edgeIndex = new Map<string, number>();
  const edges: { from: number; to: number; count: number }[] = [];
  for (const [fromNode, toNode] of view.edges) {
    const from = groupOfNode.get(fromNode);
    const to = groupOfNode.get(toNode);
    if (from === undefined || to === undefined) continue;
    const key = `${from}:${to}`;
    const i = edgeIndex.get(key);
    if (i !== undefined) edges[i]!.count++;
    else {
      edgeIndex.set(key, edges.length);
      edges.push({ from, to, count: 1 });
    }
  }
  return { groups, edges: edges as GroupEdge[] };
}
