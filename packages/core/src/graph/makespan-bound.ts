/**
 * @module
 * A lower bound of the makespan of a graph known before it runs, on a
 * capacity of `capacity` cores, each node taking its duration and its cores
 * (at most the capacity) and starting only after its dependencies end. No
 * schedule can beat it; the closer a run's makespan comes to it, the less
 * there was to gain. The bound is the largest of four arguments, each valid
 * on its own:
 *
 * - **critical path**: the longest chain of durations.
 * - **work**: the core-seconds of all nodes over the capacity.
 * - **ramps**: for a time `a` and a time `b`, every node runs the part of
 *   it that cannot fit before `a` (it cannot start before its head, the
 *   longest chain of its dependencies) nor after the makespan less `b` (it
 *   must leave its tail, the longest chain of its dependents, after it).
 *   Those parts fit in between: makespan ≥ a + b + their core-seconds /
 *   capacity, when they are not empty. This counts the cores a graph leaves
 *   idle while it fans out and while it drains.
 * - **sharing**: at most M of a set T of nodes run at once (M: the
 *   capacity over the fewest cores a node of T takes), so when T has k·M + 1 nodes, k + 1 of
 *   them run one after another on the same share of the capacity (the
 *   running intervals of T can be coloured with M colours). When every node
 *   of T starts at `a` or later and leaves a tail of at least `q`:
 *   makespan ≥ a + the k + 1 smallest durations of T + q. This counts
 *   waves: 20 tasks of 50 s on 16 cores take 100 s, not 62.5.
 *
 * `a` and `b` are taken among the nodes' heads and tails: all of them for
 * small graphs, a sample for large ones (the bound stays valid, only less
 * tight), each pair costing a pass over the nodes: about 10^7 node
 * visits at most per argument, whatever the graph's size.
 */
import type { PlannedGraph } from './longest-path.ts';

/** Which argument gives the bound. */
export type BoundArgument = 'critical path' | 'work' | 'ramps' | 'sharing';

export interface MakespanBound {
  /** The bound: the largest of the arguments. */
  readonly seconds: number;
  readonly by: BoundArgument;
  /** The longest chain of durations. */
  readonly criticalPath: number;
  /** Σ duration × cores (core-seconds). */
  readonly work: number;
}

/** Node visits each of the ramps and sharing arguments may make: large graphs sample `a` and `b`. */
const BUDGET = 10_000_000;

/** Candidate values of `a` and of `b` at most (each). */
const MOST_CANDIDATES = 32;

/**
 * The lower bound of the makespan of `g` on `capacity` cores.
 * @example
 * // 20 independent nodes of 50 s, 1 core each, on 16 cores:
 * makespanBound(plannedGraph(Array.from({ length: 20 }, () => [])), new Array(20).fill(50), new Array(20).fill(1), 16);
 * // { seconds: 100, by: 'sharing', criticalPath: 50, work: 1000 }
 */
export function makespanBound(
  g: PlannedGraph,
  durations: ArrayLike<number>,
  cores: ArrayLike<number>,
  capacity: number,
): MakespanBound {
  const n = g.size;
  const { head, tail } = headsAndTails(g, durations);
  let criticalPath = 0;
  let work = 0;
  for (let i = 0; i < n; i++) {
    criticalPath = Math.max(criticalPath, head[i]! + durations[i]! + tail[i]!);
    work += durations[i]! * cores[i]!;
  }
  let seconds = criticalPath;
  let by: BoundArgument = 'critical path';
  const consider = (value: number, argument: BoundArgument): void => {
    // Only a clear gain names another argument: sums of floats differ in their last bits.
    if (value > seconds * (1 + 1e-9)) {
      seconds = value;
      by = argument;
    }
  };
  consider(work / capacity, 'work');
  if (n === 0 || capacity <= 0) return { seconds, by, criticalPath, work };
  const each = Math.max(2, Math.min(MOST_CANDIDATES, Math.floor(Math.sqrt(BUDGET / n))));
  const heads = candidates(head, each);
  const tails = candidates(tail, each);
  const timed: Timed = { head, tail, durations, cores, capacity };
  consider(ramps(heads, tails, timed), 'ramps');
  consider(sharing(heads, tails, timed), 'sharing');
  return { seconds, by, criticalPath, work };
}

/** The nodes' heads, tails, durations and cores, and the capacity: what the arguments read. */
interface Timed {
  readonly head: Float64Array;
  readonly tail: Float64Array;
  readonly durations: ArrayLike<number>;
  readonly cores: ArrayLike<number>;
  readonly capacity: number;
}

/** Each node's head (longest chain of its dependencies) and tail (of its dependents). */
function headsAndTails(
  g: PlannedGraph,
  durations: ArrayLike<number>,
): { head: Float64Array; tail: Float64Array } {
  const { size: n, depStart, deps } = g;
  const head = new Float64Array(n);
  const tail = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) {
      const p = deps[k]!;
      h = Math.max(h, head[p]! + durations[p]!);
    }
    head[i] = h;
  }
  for (let i = n - 1; i >= 0; i--) {
    const t = tail[i]! + durations[i]!;
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) {
      const p = deps[k]!;
      if (t > tail[p]!) tail[p] = t;
    }
  }
  return { head, tail };
}

/**
 * The distinct values of `times`, ascending: all of them when there are at
 * most `most`, else the smallest half of `most` (where fan-outs and drains
 * show) and an even sample of the rest.
 */
function candidates(times: Float64Array, most: number): number[] {
  const distinct = [...new Set(times)].sort((x, y) => x - y);
  if (distinct.length <= most) return distinct;
  const half = Math.ceil(most / 2);
  const picked = new Set(distinct.slice(0, half));
  const rest = most - half;
  for (let i = 0; i < rest; i++) {
    picked.add(
      distinct[half + Math.round((i * (distinct.length - 1 - half)) / Math.max(1, rest - 1))]!,
    );
  }
  return [...picked].sort((x, y) => x - y);
}

/**
 * The ramps argument at its best over the candidate `a` and `b`: what is
 * left of each node once the part that may run before `a` and the part
 * that may run in the last `b` are taken off.
 */
function ramps(heads: readonly number[], tails: readonly number[], g: Timed): number {
  const { head, tail, durations, cores, capacity } = g;
  const n = head.length;
  let best = 0;
  for (const a of heads) {
    for (const b of tails) {
      let left = 0;
      for (let i = 0; i < n; i++) {
        const part = durations[i]! - Math.max(0, a - head[i]!) - Math.max(0, b - tail[i]!);
        if (part > 0) left += part * cores[i]!;
      }
      // Nothing left: the window between a and the makespan less b may be empty.
      if (left > 0) best = Math.max(best, a + b + left / capacity);
    }
  }
  return best;
}

/**
 * The sharing argument, at its best over the candidate `a` and `q`: for
 * each, T is the nodes with head ≥ a and tail ≥ q, taken longest first, so
 * that the k + 1 shortest of its first k·M + 1 are as long as they can be.
 */
function sharing(heads: readonly number[], tails: readonly number[], g: Timed): number {
  const { head, tail, durations, cores, capacity } = g;
  const n = head.length;
  const longest = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => durations[y]! - durations[x]!,
  );
  // Sums of T's durations, longest first: sum[j] is that of the first j.
  const sum = new Float64Array(n + 1);
  let best = 0;
  for (const a of heads) {
    for (const q of tails) {
      // T's candidates, longest first, and the fewest cores one of them takes.
      let size = 0;
      let fewest = Number.POSITIVE_INFINITY;
      for (const i of longest) {
        if (head[i]! < a || tail[i]! < q) continue;
        sum[size + 1] = sum[size]! + durations[i]!;
        size++;
        fewest = Math.min(fewest, cores[i]!);
      }
      // M: at most that many run at once (each takes at least `fewest` cores).
      const m = Math.max(1, Math.floor(capacity / Math.max(fewest, Number.MIN_VALUE)));
      for (let k = 1; k * m + 1 <= size; k++) {
        // The k + 1 shortest of the first k·M + 1 are their last k + 1.
        const chain = sum[k * m + 1]! - sum[k * m - k]!;
        best = Math.max(best, a + chain + q);
      }
    }
  }
  return best;
}
