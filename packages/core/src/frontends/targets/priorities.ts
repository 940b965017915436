/**
 * @module
 * Priorities of a plan's jobs: the jobs that run, planned together, form a
 * graph known before it runs, so each job's priority is its longest
 * remaining path to the end (see `graph/longest-path.ts`), in jobs (the
 * build log keeps no durations). A rule's own `priority` comes first and
 * the path breaks ties among jobs of equal priority.
 */
import {
  longestPathPriorities,
  oneSlotOrder,
  type PlannedGraph,
} from '../../graph/longest-path.ts';
import type { Task } from '../../vocabulary/task.ts';
import type { JobTable } from './jobs.ts';

/** The jobs of a batch (needs first) as a graph: edges between jobs of the batch only. */
export class JobBatch {
  /** Each job's index in the batch being planned, -1 outside it; reset after each batch. */
  #local = new Int32Array(1024).fill(-1);

  /** The graph of `batch` (jobs in an order where needs come first). */
  graphOf(jobs: JobTable, batch: ArrayLike<number>): PlannedGraph {
    if (this.#local.length < jobs.size) {
      const bigger = new Int32Array(Math.max(jobs.size, this.#local.length * 2)).fill(-1);
      this.#local = bigger;
    }
    const local = this.#local;
    const n = batch.length;
    for (let k = 0; k < n; k++) local[batch[k]!] = k;
    const depStart = new Int32Array(n + 1);
    let edges = 0;
    for (let k = 0; k < n; k++) {
      const j = batch[k]!;
      const start = jobs.depStart[j]!;
      for (let s = 0; s < jobs.statics[j]!; s++) {
        const d = jobs.deps[start + s]!;
        if (d >= 0 && local[d]! >= 0) edges++;
      }
    }
    const deps = new Int32Array(edges);
    edges = 0;
    for (let k = 0; k < n; k++) {
      depStart[k] = edges;
      const j = batch[k]!;
      const start = jobs.depStart[j]!;
      for (let s = 0; s < jobs.statics[j]!; s++) {
        const d = jobs.deps[start + s]!;
        if (d >= 0 && local[d]! >= 0) deps[edges++] = local[d]!;
      }
    }
    depStart[n] = edges;
    for (let k = 0; k < n; k++) local[batch[k]!] = -1;
    return { size: n, depStart, deps };
  }
}

/** The user's priority of each job of `batch`: its implementation's task's `priority`. */
function userPriorities(jobs: JobTable, batch: ArrayLike<number>): Int32Array | undefined {
  let user: Int32Array | undefined;
  for (let k = 0; k < batch.length; k++) {
    const p = jobs.impl[batch[k]!]!.task.options.priority;
    if (p === 0) continue;
    user ??= new Int32Array(batch.length);
    user[k] = p;
  }
  return user;
}

/** The priorities of `batch`'s jobs, in batch order. */
export function batchPriorities(
  jobs: JobTable,
  batch: readonly number[],
  graphs: JobBatch,
): Int32Array {
  const user = userPriorities(jobs, batch);
  return longestPathPriorities(graphs.graphOf(jobs, batch), user === undefined ? {} : { user });
}

/** `batch` in the order its jobs would start on one slot (a dry run's order). */
export function startOrder(jobs: JobTable, batch: Int32Array): Int32Array {
  const graph = new JobBatch().graphOf(jobs, batch);
  const user = userPriorities(jobs, batch);
  const priorities = longestPathPriorities(graph, user === undefined ? {} : { user });
  const order = oneSlotOrder(graph, priorities);
  // Positions in the batch, replaced by the jobs they stand for.
  for (let k = 0; k < order.length; k++) order[k] = batch[order[k]!]!;
  return order;
}

/** Variants of tasks with a priority, made once per task and priority. */
export class PriorityTasks {
  readonly #made = new Map<Task, Map<number, Task>>();

  /** `task` with priority `p` (the task itself when it has it already). */
  of(task: Task, p: number): Task {
    if (task.options.priority === p) return task;
    let byPriority = this.#made.get(task);
    if (byPriority === undefined) {
      byPriority = new Map();
      this.#made.set(task, byPriority);
    }
    let t = byPriority.get(p);
    if (t === undefined) {
      t = task.with({ priority: p });
      byPriority.set(p, t);
    }
    return t;
  }
}
