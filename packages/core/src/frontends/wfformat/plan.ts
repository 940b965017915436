/**
 * @module
 * Planning a known graph before it runs: each task's priority is its
 * longest remaining path to the end (its own duration plus the longest
 * chain of its dependents), so the ready queue starts the tasks that hold up
 * the most work first (see `graph/longest-path.ts`, shared with the other
 * front ends whose graph is known before it runs). Durations are the
 * recorded runtimes when every task has one, else each task counts 1 (the
 * path's length in tasks); ties are broken by that count. The scheduler
 * takes whole-number priorities, so a task's priority is the rank of its
 * path among the distinct paths: the order is exact whatever the scale of
 * the runtimes.
 *
 * The lower bound of the makespan on `cores` cores is the largest of the
 * critical path, the total work over the cores, and the arguments of
 * `graph/makespan-bound.ts` that count the cores a graph must leave idle
 * (while it fans out and drains, and between waves of tasks), in the run's
 * time (recorded runtimes times the time scale); the estimate is the makespan of the list schedule weft's
 * dispatch makes with these priorities when tasks cost nothing but their
 * runtime (see `estimate.ts`).
 */
import { pathPriorities, plannedGraph, remainingPaths } from '../../graph/longest-path.ts';
import { type BoundArgument, makespanBound } from '../../graph/makespan-bound.ts';
import { listSchedule } from './estimate.ts';
import type { WfInstance } from './model.ts';

/** The order of the ready queue: longest remaining path first, or submission order. */
export type WfOrder = 'longest-path' | 'fifo';

export interface PlanOptions {
  /** The capacity the run has, in cores: the bound is for it, and no task takes more. */
  readonly cores: number;
  /** Multiplies every recorded runtime. @default 1 */
  readonly timeScale?: number;
  /** @default 'longest-path' */
  readonly order?: WfOrder;
}

/** What the planner found; durations in seconds of the run (scaled). */
export interface WfPlan {
  readonly cores: number;
  readonly timeScale: number;
  readonly order: WfOrder;
  /** What the remaining paths are measured in: runtimes, or tasks when a runtime is missing. */
  readonly weights: 'runtime' | 'count';
  /** Per task (in `instance.tasks` order): its priority (0 for fifo). */
  readonly priorities: Int32Array;
  /** Per task: its longest remaining path, in seconds of the run (or in tasks, for `count`). */
  readonly remaining: Float64Array;
  /** Per task: the cores it takes (recorded, 1 when not recorded, at most `cores`). */
  readonly taskCores: Float64Array;
  /** Per task: how long it runs (recorded runtime times the time scale; 0 when not recorded). */
  readonly durations: Float64Array;
  /** The longest chain of durations. */
  readonly criticalPathSeconds: number;
  /** The sum of durations times cores (core-seconds). */
  readonly workSeconds: number;
  /** No schedule on `cores` cores ends sooner (see `graph/makespan-bound.ts`). */
  readonly lowerBoundSeconds: number;
  /** The argument that gives the bound. */
  readonly lowerBoundBy: BoundArgument;
  /** Tasks that recorded more cores than `cores`, run with `cores`. */
  readonly clampedTasks: number;
  /** The makespan of weft's list schedule with these priorities, without overheads. */
  readonly estimateSeconds: number;
}

/**
 * Plans `instance` for a run on `cores` cores.
 * @example
 * const plan = planInstance(instance, { cores: 16, timeScale: 0.01 });
 * plan.lowerBoundSeconds; // at least max(critical path, work / 16)
 */
export function planInstance(instance: WfInstance, options: PlanOptions): WfPlan {
  const { tasks } = instance;
  const n = tasks.length;
  const cores = options.cores;
  const timeScale = options.timeScale ?? 1;
  const order = options.order ?? 'longest-path';
  // Paths are ranked on the recorded runtimes: a time scale of 0 keeps the order.
  const recorded = new Float64Array(n);
  const durations = new Float64Array(n);
  const taskCores = new Float64Array(n);
  let clampedTasks = 0;
  let timed = true;
  let workSeconds = 0;
  for (let i = 0; i < n; i++) {
    const t = tasks[i]!;
    if (t.runtimeSeconds === undefined) timed = false;
    recorded[i] = t.runtimeSeconds ?? 0;
    durations[i] = recorded[i]! * timeScale;
    const want = t.cores ?? 1;
    if (want > cores) clampedTasks++;
    taskCores[i] = Math.min(want, cores);
    workSeconds += durations[i]! * taskCores[i]!;
  }
  // Longest remaining paths (tasks are in topological order), on the recorded runtimes.
  const graph = plannedGraph(tasks.map((t) => t.parents));
  const paths = remainingPaths(graph, recorded);
  const path = paths.length!;
  let longestPath = 0;
  for (let i = 0; i < n; i++) if (path[i]! > longestPath) longestPath = path[i]!;
  const criticalPathSeconds = longestPath * timeScale;
  const weights = timed ? 'runtime' : 'count';
  const remaining = timed ? path.map((p) => p * timeScale) : paths.count;
  const priorities =
    order === 'fifo'
      ? new Int32Array(n)
      : pathPriorities(timed ? paths : { count: paths.count, length: undefined });
  const bound = makespanBound(graph, durations, taskCores, cores);
  return {
    cores,
    timeScale,
    order,
    weights,
    priorities,
    remaining,
    taskCores,
    durations,
    criticalPathSeconds,
    workSeconds,
    lowerBoundSeconds: bound.seconds,
    lowerBoundBy: bound.by,
    clampedTasks,
    estimateSeconds: listSchedule(tasks, durations, taskCores, priorities, cores),
  };
}
