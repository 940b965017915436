/**
 * Property tests over random DAGs: the scheduler's promises about when a task
 * runs, how often, and how a run ends, under both failure policies.
 */

import { type Future, inline, RunFailedError, run, startRun, submit, task } from '@weft/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recorder } from './helpers.ts';

interface Dag {
  readonly n: number;
  /** Prerequisites of each node, all lower ids. */
  readonly deps: readonly (readonly number[])[];
  readonly fails: readonly boolean[];
  /** How many event-loop turns each node takes. */
  readonly turns: readonly number[];
}

const dag: fc.Arbitrary<Dag> = fc.integer({ min: 1, max: 60 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    deps: fc
      .array(fc.uniqueArray(fc.nat(n - 1), { maxLength: 4 }), { minLength: n, maxLength: n })
      .map((all) => all.map((ds, i) => ds.filter((d) => d < i))),
    fails: fc.array(
      fc.nat(11).map((x) => x === 0),
      { minLength: n, maxLength: n },
    ),
    turns: fc.array(fc.nat(3), { minLength: n, maxLength: n }),
  }),
);

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `g`; returns what the tasks saw and how the run ended. */
async function execute(g: Dag, keepGoing: boolean, concurrency: number) {
  const starts = new Array<number>(g.n).fill(0);
  const violations: string[] = [];
  const futures: Future<number>[] = [];
  const node = task('node', async (_ctx, i: number, inputs: number[]) => {
    starts[i]!++;
    for (const d of g.deps[i]!) {
      const state = futures[d]!.state;
      if (state !== 'succeeded') violations.push(`node ${i} started while input ${d} was ${state}`);
    }
    if (inputs.join() !== g.deps[i]!.join()) violations.push(`node ${i} got inputs ${inputs}`);
    for (let t = 0; t < g.turns[i]!; t++) await turn();
    if (g.fails[i]) throw new Error(`node ${i} failed`);
    return i;
  });
  const rec = recorder();
  const error = await run(
    async () => {
      for (let i = 0; i < g.n; i++) {
        futures.push(
          submit(
            node,
            i,
            g.deps[i]!.map((d) => futures[d]!),
          ),
        );
      }
    },
    { keepGoing, executor: inline({ concurrency }), onEvent: rec.onEvent, cancelGrace: '1s' },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { starts, violations, futures, rec, error };
}

/** The nodes that depend, directly or not, on a failing node. */
function downstreamOfFailure(g: Dag): boolean[] {
  const blocked: boolean[] = [];
  for (let i = 0; i < g.n; i++) blocked.push(g.deps[i]!.some((d) => blocked[d] || g.fails[d]));
  return blocked;
}

function descendants(g: Dag, root: number): Set<number> {
  const out = new Set<number>();
  for (let i = root + 1; i < g.n; i++) {
    if (g.deps[i]!.some((d) => d === root || out.has(d))) out.add(i);
  }
  return out;
}

const concurrencies = fc.constantFrom(1, 2, 5, Number.POSITIVE_INFINITY);

describe('random DAGs', () => {
  it('with keepGoing: everything not downstream of a failure runs once, the rest is upstream_failed', async () => {
    await fc.assert(
      fc.asyncProperty(dag, concurrencies, async (g, concurrency) => {
        const { starts, violations, futures, error } = await execute(g, true, concurrency);
        expect(violations).toEqual([]);
        const blocked = downstreamOfFailure(g);
        for (let i = 0; i < g.n; i++) {
          expect(starts[i]).toBe(blocked[i] ? 0 : 1);
          const expected = blocked[i] ? 'upstream_failed' : g.fails[i] ? 'failed' : 'succeeded';
          expect(futures[i]!.state).toBe(expected);
        }
        const failed = futures.filter((f) => f.state === 'failed').map((f) => f.id);
        if (failed.length === 0) {
          expect(error).toBeUndefined();
        } else {
          expect(error).toBeInstanceOf(RunFailedError);
          expect((error as RunFailedError).failures.map((f) => f.id).sort()).toEqual(failed.sort());
        }
      }),
      { numRuns: 100 },
    );
  });

  it('failing fast: tasks run at most once, after their inputs, and nothing starts after the failure', async () => {
    await fc.assert(
      fc.asyncProperty(dag, concurrencies, async (g, concurrency) => {
        const { starts, violations, futures, rec, error } = await execute(g, false, concurrency);
        expect(violations).toEqual([]);
        for (const s of starts) expect(s).toBeLessThanOrEqual(1);
        const failedAt = rec.events.findIndex((e) => e.type === 'failed');
        if (failedAt < 0) {
          expect(g.fails.some((f) => f)).toBe(false);
          expect(error).toBeUndefined();
          expect(starts.every((s) => s === 1)).toBe(true);
          return;
        }
        expect(error).toBeInstanceOf(RunFailedError);
        const failures = (error as RunFailedError).failures;
        expect(failures).toHaveLength(1);
        const root = failures[0]!.id;
        expect(g.fails[root]).toBe(true);
        const after = rec.events.slice(failedAt + 1);
        expect(after.filter((e) => e.type === 'started' || e.type === 'succeeded')).toEqual([]);
        const down = descendants(g, root);
        for (let i = 0; i < g.n; i++) {
          const state = futures[i]!.state;
          if (i === root) expect(state).toBe('failed');
          else if (down.has(i)) expect(state).toBe('upstream_failed');
          else expect(['succeeded', 'cancelled']).toContain(state);
          if (state === 'succeeded') expect(starts[i]).toBe(1);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('start ready tasks by priority, then submission order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 40 }),
        async (priorities) => {
          const order: number[] = [];
          const record = task('record', async (_ctx, i: number) => {
            order.push(i);
          });
          await startRun(
            async () => {
              priorities.forEach((priority, i) => {
                submit(record.with({ priority }), i);
              });
            },
            { executor: inline({ concurrency: 1 }) },
          ).result();
          const expected = priorities
            .map((priority, i) => ({ priority, i }))
            .sort((a, b) => b.priority - a.priority || a.i - b.i)
            .map((x) => x.i);
          expect(order).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
