/**
 * @module
 * The executor contract on the task's signal: it fires on timeout, on
 * cancellation, on the run's own signal and when the run fails fast, and a
 * retried attempt gets a fresh one.
 */
import { describe, expect, it } from 'vitest';
import { type RunFailedError, run, startRun, submit, type TaskState } from '../../index.ts';
import { failSync, stall, value } from '../contract-tasks.ts';
import {
  CANCEL_GRACE,
  type ContractContext,
  finalStates,
  isLog,
  QUICK_RETRY,
  recorder,
  unexpected,
} from './helpers.ts';

/** Registers the tests of the signal a task is given. */
export function signalContract({ newExecutor }: ContractContext): void {
  describe('signal', () => {
    it('fires when an attempt times out, and the attempt fails with TimeoutError', async () => {
      const executor = await newExecutor();
      const rec = recorder();
      const failed = await run(() => submit(stall.with({ timeout: '20ms' }), 1), {
        executor,
        onEvent: rec.onEvent,
        cancelGrace: CANCEL_GRACE,
      }).then(unexpected, (error: unknown) => error as RunFailedError);
      expect(failed.failures).toHaveLength(1);
      expect(failed.failures[0]?.error.code).toBe('WEFT_TIMEOUT');
      const aborted = await rec.next(isLog('aborted'));
      expect(aborted).toMatchObject({ taskId: 0, attempt: 1, fields: { code: 'WEFT_TIMEOUT' } });
    });

    it('gives a retried attempt a signal that has not fired', async () => {
      const executor = await newExecutor();
      const timed = stall.with({ timeout: '20ms', retries: 1, backoff: QUICK_RETRY });
      const out = await run(() => submit(timed, 1), { executor });
      expect(out).toMatchObject({ attempt: 2, aborted: false });
    });

    it('fires when the run is cancelled, and pending tasks end cancelled', async () => {
      const executor = await newExecutor();
      const rec = recorder();
      const handle = startRun(
        () => {
          submit(value, submit(stall, 1));
        },
        { executor, onEvent: rec.onEvent, cancelGrace: CANCEL_GRACE },
      );
      void rec.next(isLog('stalling')).then(() => handle.cancel('cancelled by the contract'));
      const error = await handle.result().then(unexpected, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'WEFT_RUN_CANCELLED' });
      const aborted = await rec.next(isLog('aborted'));
      expect(aborted).toMatchObject({ taskId: 0, fields: { code: 'WEFT_CANCELLED' } });
      expect(finalStates(rec.events)).toEqual(
        new Map<number, TaskState>([
          [0, 'cancelled'],
          [1, 'cancelled'],
        ]),
      );
    });

    it("fires when the run's own signal aborts", async () => {
      const executor = await newExecutor();
      const rec = recorder();
      const controller = new AbortController();
      void rec.next(isLog('stalling')).then(() => controller.abort());
      const error = await run(() => submit(stall, 1), {
        executor,
        onEvent: rec.onEvent,
        signal: controller.signal,
        cancelGrace: CANCEL_GRACE,
      }).then(unexpected, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'WEFT_RUN_CANCELLED' });
      const aborted = await rec.next(isLog('aborted'));
      expect(aborted).toMatchObject({ taskId: 0, fields: { code: 'WEFT_CANCELLED' } });
    });

    it('fires in running tasks when another fails and the run fails fast', async (ctx) => {
      const executor = await newExecutor();
      if (executor.capacity.slots < 2) return ctx.skip('needs two tasks running at once');
      const rec = recorder();
      const failed = await run(
        async () => {
          submit(stall, 1);
          await rec.next(isLog('stalling'));
          submit(failSync, 'fails fast');
        },
        { executor, onEvent: rec.onEvent, cancelGrace: CANCEL_GRACE },
      ).then(unexpected, (error: unknown) => error as RunFailedError);
      expect(failed.failures.map((f) => f.name)).toEqual(['contract.failSync']);
      const aborted = await rec.next(isLog('aborted'));
      expect(aborted).toMatchObject({ taskId: 0, fields: { code: 'WEFT_CANCELLED' } });
      expect(finalStates(rec.events).get(0)).toBe('cancelled');
    });
  });
}
