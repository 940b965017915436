/**
 * The lower bound of a known graph's makespan: the critical path and the
 * work over the capacity, the cores a graph leaves idle while it fans out
 * and drains (ramps), and the waves a set of tasks must run in (sharing);
 * and, on random graphs, never above the makespan of a schedule that was
 * actually made.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listSchedule } from '../src/frontends/wfformat/estimate.js';
import type { WfTask } from '../src/frontends/wfformat/model.js';
import { plannedGraph } from '../src/graph/longest-path.js';
import { makespanBound } from '../src/graph/makespan-bound.js';

const ones = (n: number): number[] => new Array(n).fill(1);

describe('the lower bound of a makespan', () => {
  it('is the critical path of a chain, and the work of independent tasks that fill the cores', () => {
    const chain = plannedGraph([[], [0], [1]]);
    expect(makespanBound(chain, [3, 4, 5], ones(3), 4)).toEqual({
      seconds: 12,
      by: 'critical path',
      criticalPath: 12,
      work: 12,
    });
    // 8 tasks of 10 s on 4 cores, 2 cores each: 2 run at once... as the work says (160 / 4).
    const wide = plannedGraph(Array.from({ length: 8 }, () => []));
    const bound = makespanBound(wide, new Array(8).fill(10), new Array(8).fill(2), 4);
    expect(bound.seconds).toBe(40);
    expect(['work', 'sharing']).toContain(bound.by);
  });

  it('counts waves: 20 tasks of 50 s on 16 cores take 100 s, not 62.5', () => {
    const g = plannedGraph(Array.from({ length: 20 }, () => []));
    expect(makespanBound(g, new Array(20).fill(50), ones(20), 16)).toEqual({
      seconds: 100,
      by: 'sharing',
      criticalPath: 50,
      work: 1000,
    });
    // Tasks that take 9 of 16 cores run one at a time.
    const big = plannedGraph(Array.from({ length: 4 }, () => []));
    expect(makespanBound(big, [10, 10, 10, 10], [9, 9, 9, 9], 16).seconds).toBe(40);
  });

  it('counts the cores left idle while a graph fans out and drains', () => {
    // A 10 s source, 160 tasks of 1 s after it, a 10 s sink after them all, on 16 cores.
    const parents: number[][] = [[]];
    for (let i = 0; i < 160; i++) parents.push([0]);
    parents.push(Array.from({ length: 160 }, (_, i) => i + 1));
    const durations = [10, ...new Array(160).fill(1), 10];
    const bound = makespanBound(plannedGraph(parents), durations, ones(162), 16);
    // max(critical path 21, work 180 / 16) is 21; the middle alone needs 10 s of 16 cores.
    expect(bound).toEqual({ seconds: 30, by: 'ramps', criticalPath: 21, work: 180 });
  });

  it('is 0 for an empty graph and for tasks that take no time', () => {
    expect(makespanBound(plannedGraph([]), [], [], 4).seconds).toBe(0);
    expect(makespanBound(plannedGraph([[], [0]]), [0, 0], [1, 1], 4).seconds).toBe(0);
  });

  it('is never above the makespan of a list schedule, and never below max(critical path, work / cores)', () => {
    const graph = fc.integer({ min: 1, max: 40 }).chain((n) =>
      fc.record({
        capacity: fc.integer({ min: 1, max: 8 }),
        parents: fc.tuple(
          ...Array.from({ length: n }, (_, i) =>
            i === 0
              ? fc.constant<number[]>([])
              : fc.uniqueArray(fc.nat(i - 1), { maxLength: Math.min(i, 4) }),
          ),
        ),
        durations: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
        cores: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(graph, ({ capacity, parents, durations, cores }) => {
        const n = parents.length;
        const taskCores = Float64Array.from(cores, (c) => Math.min(c, capacity));
        const bound = makespanBound(plannedGraph(parents), durations, taskCores, capacity);
        const children: number[][] = parents.map(() => []);
        parents.forEach((ps, i) => {
          for (const p of ps) children[p]!.push(i);
        });
        const tasks = parents.map((ps, i) => ({ parents: ps, children: children[i]! }));
        const made = listSchedule(
          tasks as unknown as WfTask[],
          Float64Array.from(durations),
          taskCores,
          new Int32Array(n),
          capacity,
        );
        expect(bound.seconds).toBeLessThanOrEqual(made + 1e-9);
        expect(bound.seconds).toBeGreaterThanOrEqual(
          Math.max(bound.criticalPath, bound.work / capacity) - 1e-9,
        );
      }),
      { numRuns: 300 },
    );
  });
});
