/**
 * @module
 * The graph as drawn: one node per task up to a threshold (as `weft graph`
 * draws it, 300 by default); above it, one node per task name with its
 * counts by state. A group the user expanded becomes a box of its tasks as
 * tiles (the failed ones first, then by id, up to a cap), laid out as one
 * node, so that a group of thousands opens at once and stays readable.
 * Edges between drawn nodes stand for the task edges between them,
 * counted. `shape` names what the layout depends on (nodes, their sizes,
 * edges; not states), so a state change recolours without laying out again.
 */
import type { TaskNode, TaskStateName } from '../../../src/wire.ts';
import { count } from '../ui/format.ts';
import { groupState } from '../ui/states.ts';

/** Tasks above which the graph is grouped by task name. */
export const GROUP_THRESHOLD = 300;
/** Tasks of an expanded group drawn as tiles, at most. */
export const EXPAND_MAX = 400;

export const TASK_SIZE = { width: 170, height: 40 } as const;
export const GROUP_SIZE = { width: 210, height: 58 } as const;
/** An expanded group's tiles: size, gap, columns at most, and the box's header. */
export const TILE = { width: 132, height: 30, gap: 6, columns: 12, header: 30 } as const;

export interface DrawnNode {
  readonly key: string;
  readonly kind: 'task' | 'group' | 'expanded';
  /** The task name (of the task, or of the group's tasks). */
  readonly name: string;
  readonly title: string;
  readonly state: TaskStateName;
  /** For a task. */
  readonly taskId?: number;
  /** For a group: how many tasks, in which states. */
  readonly total?: number;
  readonly counts?: Readonly<Partial<Record<TaskStateName, number>>>;
  /** For an expanded group: the tasks drawn as tiles, in order. */
  readonly tiles?: readonly TaskNode[];
  readonly width: number;
  readonly height: number;
}

export interface DrawnEdge {
  readonly from: string;
  readonly to: string;
  /** Task edges it stands for. */
  readonly count: number;
}

export interface DrawnGraph {
  readonly nodes: readonly DrawnNode[];
  readonly edges: readonly DrawnEdge[];
  readonly grouped: boolean;
  /** Changes exactly when the layout must be computed again. */
  readonly shape: string;
}

const taskKey = (id: number) => `t${id}`;
const groupKey = (name: string) => `g:${name}`;
const expandedKey = (name: string) => `x:${name}`;

function taskTitle(t: TaskNode): string {
  return t.label !== null && t.label !== '' ? t.label : `${t.name} #${t.id}`;
}

function taskNode(t: TaskNode): DrawnNode {
  return {
    key: taskKey(t.id),
    kind: 'task',
    name: t.name,
    title: taskTitle(t),
    state: t.state,
    taskId: t.id,
    ...TASK_SIZE,
  };
}

function tally(tasks: readonly TaskNode[]): Partial<Record<TaskStateName, number>> {
  const counts: Partial<Record<TaskStateName, number>> = {};
  for (const t of tasks) counts[t.state] = (counts[t.state] ?? 0) + 1;
  return counts;
}

/** The graph to draw for these tasks, with the groups named in `expanded` opened. */
export function drawnGraph(
  tasks: Iterable<TaskNode>,
  expanded: ReadonlySet<string>,
  threshold = GROUP_THRESHOLD,
): DrawnGraph {
  const all = [...tasks];
  const grouped = all.length > threshold;
  const nodes: DrawnNode[] = [];
  const keyOf = new Map<number, string>();
  if (!grouped) {
    for (const t of all) {
      nodes.push(taskNode(t));
      keyOf.set(t.id, taskKey(t.id));
    }
  } else {
    const byName = new Map<string, TaskNode[]>();
    for (const t of all) {
      const list = byName.get(t.name);
      if (list === undefined) byName.set(t.name, [t]);
      else list.push(t);
    }
    for (const [name, list] of byName) {
      if (!expanded.has(name)) {
        const counts = tally(list);
        nodes.push({
          key: groupKey(name),
          kind: 'group',
          name,
          title: name,
          state: groupState(counts),
          total: list.length,
          counts,
          ...GROUP_SIZE,
        });
        for (const t of list) keyOf.set(t.id, groupKey(name));
        continue;
      }
      // Failed first (a failure is final, so the order changes only when one is added), then by id.
      const failedFirst = (t: TaskNode) => (t.state === 'failed' ? 0 : 1);
      const tiles = [...list]
        .sort((a, b) => failedFirst(a) - failedFirst(b) || a.id - b.id)
        .slice(0, EXPAND_MAX);
      const columns = Math.min(TILE.columns, tiles.length);
      const rows = Math.ceil(tiles.length / columns);
      const counts = tally(list);
      nodes.push({
        key: expandedKey(name),
        kind: 'expanded',
        name,
        title:
          list.length > tiles.length
            ? `${name} ×${count(list.length)} (${count(tiles.length)} shown)`
            : `${name} ×${count(list.length)}`,
        state: groupState(counts),
        total: list.length,
        counts,
        tiles,
        width: columns * (TILE.width + TILE.gap) + TILE.gap,
        height: TILE.header + rows * (TILE.height + TILE.gap) + TILE.gap,
      });
      for (const t of list) keyOf.set(t.id, expandedKey(name));
    }
  }
  const edgeCounts = new Map<string, number>();
  for (const t of all) {
    const to = keyOf.get(t.id)!;
    for (const dep of t.deps) {
      const from = keyOf.get(dep);
      if (from === undefined || from === to) continue;
      const k = `${from}\u0000${to}`;
      edgeCounts.set(k, (edgeCounts.get(k) ?? 0) + 1);
    }
  }
  const edges: DrawnEdge[] = [];
  for (const [k, count] of edgeCounts) {
    const [from, to] = k.split('\u0000') as [string, string];
    edges.push({ from, to, count });
  }
  const shape = `${nodes.map((n) => `${n.key}:${n.width}x${n.height}`).join(',')}|${edges.map((e) => `${e.from}>${e.to}`).join(',')}`;
  return { nodes, edges, grouped, shape };
}
