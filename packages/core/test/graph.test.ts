import { Graph } from '@weft/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

function graphOf(nodes: number, edges: readonly (readonly [number, number])[]): Graph {
  const g = new Graph();
  for (let i = 0; i < nodes; i++) g.addNode();
  for (const [from, to] of edges) g.addEdge(from, to);
  return g;
}

/** True when every consecutive pair of `path` is an edge of `g` (and, for a cycle, last -> first). */
function followsEdges(g: Graph, path: readonly number[], closed: boolean): boolean {
  const pairs = path.slice(1).map((to, i) => [path[i]!, to] as const);
  if (closed) pairs.push([path.at(-1)!, path[0]!]);
  return pairs.every(([from, to]) => g.dependents(from).includes(to));
}

/** Reference: whether `to` can reach `from` by following edges (breadth first, on plain arrays). */
function reaches(edges: readonly (readonly [number, number])[], start: number, goal: number) {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    const u = queue.shift()!;
    if (u === goal) return true;
    for (const [a, b] of edges) if (a === u && !seen.has(b)) seen.add(b) && queue.push(b);
  }
  return false;
}

describe('Graph', () => {
  it('adds nodes with dense ids and counts nodes and edges', () => {
    const g = new Graph();
    expect([g.addNode(), g.addNode(), g.addNode()]).toEqual([0, 1, 2]);
    g.addEdge(0, 1);
    g.addEdge(0, 2);
    expect(g.size).toBe(3);
    expect(g.edgeCount).toBe(2);
  });

  it('lists prerequisites and dependents in the order they were added', () => {
    const g = graphOf(5, [
      [0, 4],
      [2, 4],
      [1, 4],
      [0, 3],
      [0, 1],
    ]);
    expect(g.prerequisites(4)).toEqual([0, 2, 1]);
    expect(g.dependents(0)).toEqual([4, 3, 1]);
    expect(g.prerequisites(0)).toEqual([]);
    expect(g.dependents(4)).toEqual([]);
  });

  it('keeps working beyond its initial capacity', () => {
    const n = 3000;
    const g = new Graph();
    for (let i = 0; i < n; i++) g.addNode();
    for (let i = 1; i < n; i++) g.addEdge(i - 1, i);
    for (let i = 2; i < n; i += 2) g.addEdge(0, i);
    expect(g.size).toBe(n);
    expect(g.edgeCount).toBe(n - 1 + (n / 2 - 1));
    expect(g.prerequisites(n - 1)).toEqual([n - 2]);
    expect(g.prerequisites(n - 2)).toEqual([n - 3, 0]);
    expect(g.dependents(0)).toHaveLength(1 + (n / 2 - 1));
    expect(g.pathBetween(0, n - 1)?.at(-1)).toBe(n - 1);
    expect(g.findCycle()).toBeUndefined();
  });

  describe('pathBetween(to, from)', () => {
    it('returns the path to -> ... -> from that adding from -> to would close', () => {
      const g = graphOf(5, [
        [0, 1],
        [1, 2],
        [2, 3],
        [0, 4],
      ]);
      expect(g.pathBetween(1, 3)).toEqual([1, 2, 3]);
      expect(g.pathBetween(0, 3)).toEqual([0, 1, 2, 3]);
      expect(g.pathBetween(3, 1)).toBeUndefined();
      expect(g.pathBetween(4, 3)).toBeUndefined();
    });

    it('treats an edge from a node to itself as a cycle of one', () => {
      const g = graphOf(2, [[0, 1]]);
      expect(g.pathBetween(1, 1)).toEqual([1]);
    });

    it('finds a path exactly when one exists, and every step is an edge', () => {
      fc.assert(
        fc.property(
          fc
            .integer({ min: 1, max: 25 })
            .chain((n) =>
              fc.tuple(
                fc.constant(n),
                fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 60 }),
                fc.nat(n - 1),
                fc.nat(n - 1),
              ),
            ),
          ([n, edges, to, from]) => {
            const g = graphOf(n, edges);
            const path = g.pathBetween(to, from);
            expect(path !== undefined).toBe(reaches(edges, to, from));
            if (path !== undefined) {
              expect(path[0]).toBe(to);
              expect(path.at(-1)).toBe(from);
              expect(followsEdges(g, path, false)).toBe(true);
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('findCycle()', () => {
    it('returns undefined for a DAG', () => {
      const g = graphOf(4, [
        [0, 1],
        [0, 2],
        [1, 3],
        [2, 3],
      ]);
      expect(g.findCycle()).toBeUndefined();
    });

    it('returns the nodes of a cycle, in edge order', () => {
      const g = graphOf(5, [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 1],
        [3, 4],
      ]);
      const cycle = g.findCycle()!;
      expect([...cycle].sort()).toEqual([1, 2, 3]);
      expect(followsEdges(g, cycle, true)).toBe(true);
    });

    it('finds a self-loop', () => {
      const g = graphOf(3, [
        [0, 1],
        [2, 2],
      ]);
      expect(g.findCycle()).toEqual([2]);
    });

    it('finds a cycle exactly when the graph has one', () => {
      fc.assert(
        fc.property(
          fc
            .integer({ min: 1, max: 20 })
            .chain((n) =>
              fc.tuple(
                fc.constant(n),
                fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 40 }),
              ),
            ),
          ([n, edges]) => {
            const g = graphOf(n, edges);
            const cycle = g.findCycle();
            const hasCycle = edges.some(([a, b]) => reaches(edges, b, a));
            expect(cycle !== undefined).toBe(hasCycle);
            if (cycle !== undefined) {
              expect(new Set(cycle).size).toBe(cycle.length);
              expect(followsEdges(g, cycle, true)).toBe(true);
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
