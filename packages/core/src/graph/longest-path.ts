/**
 * @module
 * Priorities from a graph known before it runs (an imported instance, a
 * target plan, a graph of steps): each node's longest remaining path to the
 * end (its own duration plus the longest chain of its dependents), so the
 * ready queue starts first the nodes that hold up the most work. Front-end
 * neutral: nodes are indices in topological order (a node's dependencies
 * come before it), dependencies a flat list.
 *
 * The path is measured in durations when the caller has one for every node,
 * ties broken by the path's length in nodes; else in nodes alone. The
 * scheduler takes whole numbers, so a node's priority is the dense rank of
 * its path among the distinct paths: the order is exact whatever the scale
 * of the durations. A priority the user gave (a rule's or a step's
 * `priority`) is the primary key and the path breaks ties: ranks are taken
 * over (user priority, path) pairs and shifted so that the first rank with
 * a user priority of 0 or more is 0. Without user priorities the ranks are
 * 0 and up, as the path alone gives them.
 */

/** A graph in topological order: node i's dependencies are nodes below i. */
export interface PlannedGraph {
  readonly size: number;
  /** Where node i's dependencies start in `deps`; `depStart[size]` is where they end. */
  readonly depStart: Int32Array;
  /** Dependencies, as node indices. */
  readonly deps: Int32Array;
}

/** Each node's longest remaining path to the end. */
export interface RemainingPaths {
  /** In nodes: itself and the longest chain of its dependents. */
  readonly count: Float64Array;
  /** In durations (its own plus its dependents' longest chain); undefined when none were given. */
  readonly length: Float64Array | undefined;
}

/**
 * The CSR form of per-node dependency lists.
 * @example
 * plannedGraph([[], [0], [0, 1]]); // node 2 needs nodes 0 and 1
 */
export function plannedGraph(parents: readonly (readonly number[])[]): PlannedGraph {
  const n = parents.length;
  const depStart = new Int32Array(n + 1);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    depStart[i] = edges;
    edges += parents[i]!.length;
  }
  depStart[n] = edges;
  const deps = new Int32Array(edges);
  let k = 0;
  for (let i = 0; i < n; i++) for (const p of parents[i]!) deps[k++] = p;
  return { size: n, depStart, deps };
}

/**
 * Longest remaining paths, from the end backwards: when node i is reached
 * every dependent of it (above i) has pushed its path into i's best.
 * `durations` (one per node) gives `length`; `count` is always made.
 */
export function remainingPaths(g: PlannedGraph, durations?: ArrayLike<number>): RemainingPaths {
  const { size: n, depStart, deps } = g;
  const count = new Float64Array(n);
  const length = durations === undefined ? undefined : new Float64Array(n);
  // count and length hold each node's best dependent until the node is reached.
  for (let i = n - 1; i >= 0; i--) {
    const c = count[i]! + 1;
    count[i] = c;
    let l = 0;
    if (length !== undefined) {
      l = length[i]! + durations![i]!;
      length[i] = l;
    }
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) {
      const p = deps[k]!;
      if (c > count[p]!) count[p] = c;
      if (length !== undefined && l > length[p]!) length[p] = l;
    }
  }
  return { count, length };
}

/**
 * Whole-number priorities that keep the exact order of the paths: longer
 * first (by `length` then `count`, or `count` alone), and `user` (one
 * whole number per node) before the path when given.
 */
export function pathPriorities(paths: RemainingPaths, user?: ArrayLike<number>): Int32Array {
  const key = paths.length ?? paths.count;
  const tie = paths.length === undefined ? undefined : paths.count;
  let given = false;
  if (user !== undefined) for (let i = 0; i < user.length && !given; i++) given = user[i] !== 0;
  // The common case, counts alone: a dense rank of small integers, without a sort.
  if (tie === undefined && !given) return countRanks(key);
  return sortedRanks(key, tie, given ? user : undefined);
}

/**
 * The priorities of `g` by its longest remaining paths.
 * @example
 * longestPathPriorities(plannedGraph([[], [0], []])); // Int32Array [1, 0, 0]
 */
export function longestPathPriorities(
  g: PlannedGraph,
  options: { readonly durations?: ArrayLike<number>; readonly user?: ArrayLike<number> } = {},
): Int32Array {
  return pathPriorities(remainingPaths(g, options.durations), options.user);
}

/** Dense ranks of whole-number keys from 1 to n (path lengths in nodes). */
function countRanks(key: Float64Array): Int32Array {
  const n = key.length;
  const rankOf = new Int32Array(n + 2);
  for (let i = 0; i < n; i++) rankOf[key[i]!] = 1;
  let r = -1;
  for (let c = 0; c < rankOf.length; c++) if (rankOf[c] === 1) rankOf[c] = ++r;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rankOf[key[i]!]!;
  return out;
}

/** Dense ranks of (user, key, tie), ascending; shifted so that the first with user >= 0 is 0. */
function sortedRanks(
  key: Float64Array,
  tie: Float64Array | undefined,
  user: ArrayLike<number> | undefined,
): Int32Array {
  const n = key.length;
  const u = user === undefined ? new Float64Array(n) : Float64Array.from(user);
  const t = tie ?? new Float64Array(n);
  const ids = Array.from({ length: n }, (_, i) => i);
  if (user === undefined) ids.sort((a, b) => key[a]! - key[b]! || t[a]! - t[b]!);
  else ids.sort((a, b) => u[a]! - u[b]! || key[a]! - key[b]! || t[a]! - t[b]!);
  const out = new Int32Array(n);
  let r = 0;
  let zero = -1;
  for (let k = 0; k < n; k++) {
    const i = ids[k]!;
    if (k > 0) {
      const p = ids[k - 1]!;
      if (u[i] !== u[p] || key[i] !== key[p] || t[i] !== t[p]) r++;
    }
    if (zero < 0 && u[i]! >= 0) zero = r;
    out[i] = r;
  }
  if (zero > 0) for (let i = 0; i < n; i++) out[i] = out[i]! - zero;
  else if (zero < 0) for (let i = 0; i < n; i++) out[i] = out[i]! - r - 1;
  return out;
}

/**
 * The order in which the nodes would start on one slot: whenever the slot
 * is free, the ready node of highest priority, then of lowest index (as the
 * ready queue breaks ties by submission order).
 */
export function oneSlotOrder(g: PlannedGraph, priorities: Int32Array): Int32Array {
  const { size: n, depStart, deps } = g;
  // Dependents, as a CSR built from the dependencies.
  const childStart = new Int32Array(n + 1);
  for (let k = 0; k < deps.length; k++) childStart[deps[k]! + 1]!++;
  for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, n);
  const children = new Int32Array(deps.length);
  const waiting = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    waiting[i] = depStart[i + 1]! - depStart[i]!;
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) children[fill[deps[k]!]!++] = i;
  }
  // A binary heap of ready nodes, highest priority then lowest index on top, with each
  // entry's priority beside it (inlined: a dry run of a million jobs orders them all).
  const heap = new Int32Array(n);
  const hp = new Int32Array(n);
  let size = 0;
  const order = new Int32Array(n);
  let done = 0;
  for (let i = 0; i < n; i++) {
    if (waiting[i] !== 0) continue;
    // Pushed in index order: a node goes up only past a lower priority.
    let at = size++;
    const pr = priorities[i]!;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (hp[up]! >= pr) break;
      heap[at] = heap[up]!;
      hp[at] = hp[up]!;
      at = up;
    }
    heap[at] = i;
    hp[at] = pr;
  }
  while (size > 0) {
    const top = heap[0]!;
    order[done++] = top;
    // Take the top out: the last one sinks from the root.
    const last = heap[--size]!;
    const pl = hp[size]!;
    let at = 0;
    for (;;) {
      let c = 2 * at + 1;
      if (c >= size) break;
      let hc = heap[c]!;
      let pc = hp[c]!;
      if (c + 1 < size) {
        const hr = heap[c + 1]!;
        const pr = hp[c + 1]!;
        if (pr > pc || (pr === pc && hr < hc)) {
          c++;
          hc = hr;
          pc = pr;
        }
      }
      if (pc < pl || (pc === pl && hc > last)) break;
      heap[at] = hc;
      hp[at] = pc;
      at = c;
    }
    if (size > 0) {
      heap[at] = last;
      hp[at] = pl;
    }
    for (let k = childStart[top]!; k < childStart[top + 1]!; k++) {
      const x = children[k]!;
      if (--waiting[x]! !== 0) continue;
      const px = priorities[x]!;
      let up = size++;
      while (up > 0) {
        const parent = (up - 1) >> 1;
        const hq = heap[parent]!;
        const pq = hp[parent]!;
        if (pq > px || (pq === px && hq < x)) break;
        heap[up] = hq;
        hp[up] = pq;
        up = parent;
      }
      heap[up] = x;
      hp[up] = px;
    }
  }
  return order;
}
