/**
 * @module
 * The executor contract on graphs of tasks: a failure stays with its
 * dependents, a diamond runs in dependency order, a fan-out fans back in.
 */
import { describe, expect, it } from 'vitest';
import { type Future, type RunFailedError, run, submit } from '../../index.ts';
import { fail, hold, mul, sum, value } from '../contract-tasks.ts';
import { type ContractContext, HOLD_MS, recorder, unexpected } from './helpers.ts';

/** Registers the tests of failure isolation and of task graphs. */
export function graphsContract({ newExecutor }: ContractContext): void {
  describe('failures are isolated', () => {
    it('one failing task does not affect the others (keepGoing)', async () => {
      const executor = await newExecutor();
      const f: Record<string, Future> = {};
      const failed = await run(
        () => {
          f.before = submit(value, 'before');
          f.slow = submit(hold, HOLD_MS);
          f.bad = submit(fail, 'error');
          f.after = submit(value, 'after');
          f.dependsOnGood = submit(mul, f.slow as Future<number>, 2);
          f.dependsOnBad = submit(value, f.bad);
        },
        { executor, keepGoing: true },
      ).then(unexpected, (error: unknown) => error as RunFailedError);
      expect(failed.failures.map((x) => x.name)).toEqual(['contract.fail']);
      const states = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.state]));
      expect(states).toEqual({
        before: 'succeeded',
        slow: 'succeeded',
        bad: 'failed',
        after: 'succeeded',
        dependsOnGood: 'succeeded',
        dependsOnBad: 'upstream_failed',
      });
      expect([f.before, f.slow, f.after, f.dependsOnGood].map((x) => x?.result())).toEqual([
        'before',
        HOLD_MS,
        'after',
        2 * HOLD_MS,
      ]);
    });
  });

  describe('graphs', () => {
    it('runs a diamond once per task, in dependency order', async () => {
      const executor = await newExecutor();
      const rec = recorder();
      const out = await run(
        () => {
          const top = submit(value, 3) as Future<number>;
          const left = submit(mul, top, 2);
          const right = submit(mul, top, top);
          return submit(mul, left, right);
        },
        { executor, onEvent: rec.onEvent },
      );
      expect(out).toBe(54);
      const started = rec.events.filter((e) => e.type === 'started').map((e) => e.taskId);
      expect([...started].sort()).toEqual([0, 1, 2, 3]);
      const at = (type: string, id: number) =>
        rec.events.findIndex((e) => e.type === type && 'taskId' in e && e.taskId === id);
      expect(at('started', 1)).toBeGreaterThan(at('succeeded', 0));
      expect(at('started', 2)).toBeGreaterThan(at('succeeded', 0));
      expect(at('started', 3)).toBeGreaterThan(Math.max(at('succeeded', 1), at('succeeded', 2)));
    });

    it('runs a wide fan-out and its fan-in', async () => {
      const executor = await newExecutor();
      const width = 64;
      const out = await run(
        () => {
          const squares = Array.from({ length: width }, (_, i) => submit(mul, i, i));
          return { squares, total: submit(sum, squares) };
        },
        { executor },
      );
      expect(out.squares).toEqual(Array.from({ length: width }, (_, i) => i * i));
      expect(out.total).toBe(((width - 1) * width * (2 * width - 1)) / 6);
    });
  });
}
