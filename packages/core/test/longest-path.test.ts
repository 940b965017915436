/**
 * Priorities from a graph known before it runs: the longest remaining path
 * to the end first (in durations when every node has one, ties broken by
 * the path in nodes; else in nodes), as dense whole-number ranks; a user's
 * priority comes first; and the order on one slot that the ready queue
 * would follow with them.
 */
import { describe, expect, it } from 'vitest';
import {
  longestPathPriorities,
  oneSlotOrder,
  pathPriorities,
  plannedGraph,
  remainingPaths,
} from '../src/graph/longest-path.js';

// 0 -> 1 -> 2 -> 3 (a chain), 4 and 5 alone, 6 needs 3, 4 and 5.
const chain = plannedGraph([[], [0], [1], [2], [], [], [3, 4, 5]]);

describe('longest remaining paths', () => {
  it('counts the nodes on the longest chain of dependents, and sums durations along it', () => {
    const paths = remainingPaths(chain, [1, 1, 1, 1, 10, 2, 1]);
    expect([...paths.count]).toEqual([5, 4, 3, 2, 2, 2, 1]);
    expect([...paths.length!]).toEqual([5, 4, 3, 2, 11, 3, 1]);
    expect(remainingPaths(chain).length).toBeUndefined();
  });

  it('ranks longer paths higher, densely from 0, and equal paths equally', () => {
    expect([...longestPathPriorities(chain)]).toEqual([4, 3, 2, 1, 1, 1, 0]);
    // By durations: the long lone node 4 comes first; 2 and 5 both have 3 s left, and 2's
    // path holds more nodes.
    expect([...longestPathPriorities(chain, { durations: [1, 1, 1, 1, 10, 2, 1] })]).toEqual([
      5, 4, 3, 1, 6, 2, 0,
    ]);
  });

  it('breaks ties of durations by the path in nodes', () => {
    // 0 -> 1 and 2 -> 3: two nodes each, 2 s each; 4 alone lasts 2 s too, in one node.
    const g = plannedGraph([[], [0], [], [2], []]);
    const p = longestPathPriorities(g, { durations: [1, 1, 1, 1, 2] });
    expect(p[0]).toBe(p[2]);
    expect(p[0]).toBeGreaterThan(p[4]!);
  });

  it('puts the user priority first and the path second, with user priority 0 starting at rank 0', () => {
    const user = [0, 0, 0, 0, 1, 0, 0];
    const p = longestPathPriorities(chain, { user });
    // Node 4 asked for more: above every node of priority 0, however long their path.
    expect(p[4]).toBeGreaterThan(p[0]!);
    expect([...p].filter((_, i) => i !== 4)).toEqual([4, 3, 2, 1, 1, 0]);
    // A negative priority goes below 0, under every node of priority 0.
    const low = longestPathPriorities(chain, { user: [-1, 0, 0, 0, 0, 0, 0] });
    expect(low[0]).toBeLessThan(0);
    expect(low[6]).toBe(0);
    // Every node negative: all below 0, in path order.
    const all = longestPathPriorities(chain, { user: [-5, -5, -5, -5, -5, -5, -5] });
    expect([...all]).toEqual([-1, -2, -3, -4, -4, -4, -5]);
  });

  it('gives every node rank 0 for an empty or edgeless graph, and nothing for no nodes', () => {
    expect([...longestPathPriorities(plannedGraph([[], [], []]))]).toEqual([0, 0, 0]);
    expect(longestPathPriorities(plannedGraph([])).length).toBe(0);
    expect(pathPriorities({ count: new Float64Array(0), length: undefined }).length).toBe(0);
  });
});

describe('the order on one slot', () => {
  it('starts the head of the longest chain first, then breaks ties by index', () => {
    const p = longestPathPriorities(chain);
    expect([...oneSlotOrder(chain, p)]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // First in, first out (all priorities equal): by index, each after its dependencies.
    expect([...oneSlotOrder(chain, new Int32Array(7))]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const g = plannedGraph([[], [], [], [2], [3], [1, 4, 0]]);
    // 2 heads the longest chain; once 3 is done, 4 ties with 0 and 1 and waits for them.
    expect([...oneSlotOrder(g, longestPathPriorities(g))]).toEqual([2, 3, 0, 1, 4, 5]);
    expect([...oneSlotOrder(g, new Int32Array(6))]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('follows user priorities over paths', () => {
    const g = plannedGraph([[], [], [], [2], [3], [1, 4, 0]]);
    const p = longestPathPriorities(g, { user: [0, 2, 0, 0, 0, 0] });
    expect([...oneSlotOrder(g, p)]).toEqual([1, 2, 3, 0, 4, 5]);
  });
});

describe('on random graphs', () => {
  /** A seeded generator: the same graphs every run. */
  function lcg(seed: number): () => number {
    let s = seed;
    return () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    };
  }

  it('orders as picking the ready node of highest priority, then lowest index, would', () => {
    const random = lcg(7);
    for (let round = 0; round < 30; round++) {
      const n = 1 + Math.floor(random() * 60);
      const parents = Array.from({ length: n }, (_, i) =>
        Array.from({ length: i }, (_, p) => p).filter(() => random() < 0.1),
      );
      const g = plannedGraph(parents);
      const user = Array.from({ length: n }, () => (random() < 0.2 ? 1 : 0));
      const durations = Array.from({ length: n }, () => Math.floor(random() * 4));
      const p = longestPathPriorities(g, { durations, user });
      // Exact order: the user's priority first, then the path in durations, then in nodes.
      const paths = remainingPaths(g, durations);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          const key = (i: number) => [user[i]!, paths.length![i]!, paths.count[i]!];
          const [x, y] = [key(a), key(b)];
          const cmp = x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
          expect(Math.sign(p[a]! - p[b]!)).toBe(Math.sign(cmp));
        }
      }
      const done = new Set<number>();
      const naive: number[] = [];
      while (naive.length < n) {
        let best = -1;
        for (let i = 0; i < n; i++) {
          if (done.has(i) || !parents[i]!.every((q) => done.has(q))) continue;
          if (best < 0 || p[i]! > p[best]!) best = i;
        }
        done.add(best);
        naive.push(best);
      }
      expect([...oneSlotOrder(g, p)]).toEqual(naive);
    }
  });
});
