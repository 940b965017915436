/**
 * @module
 * The executor contract on invocation: what a task is given (run, id,
 * attempt, name, label, arguments), and submitting from inside a task.
 */
import { describe, expect, it } from 'vitest';
import { run, startRun, submit } from '../../index.ts';
import { flaky, identify, parent, type Seen, value } from '../contract-tasks.ts';
import {
  attemptsOf,
  type ContractContext,
  finalStates,
  isLog,
  QUICK_RETRY,
  recorder,
} from './helpers.ts';

/** Registers the tests of how a task is invoked, and of submitting from a task. */
export function invocationContract({ newExecutor }: ContractContext): void {
  describe('invocation', () => {
    it('gives the task its run, id, attempt, name, label and resolved arguments', async () => {
      const executor = await newExecutor();
      const rec = recorder();
      const handle = startRun(
        () => {
          const one = submit(value, 1);
          const two = submit(value, 'two');
          const f = submit(
            identify.with({ label: 'contract-fields' }),
            one,
            [two, 3],
            { nested: { v: one } },
            'plain',
          );
          return { id: f.id, seen: f };
        },
        { executor, onEvent: rec.onEvent },
      );
      const out = await handle.result();
      expect(out.seen).toEqual({
        runId: handle.id,
        taskId: out.id,
        attempt: 1,
        name: 'contract.identify',
        label: 'contract-fields',
        args: [1, ['two', 3], { nested: { v: 1 } }, 'plain'],
        aborted: false,
      } satisfies Seen);
      expect(handle.taskId('contract-fields')).toBe(out.id);
      const log = await rec.next(isLog('identify'));
      expect(log).toMatchObject({ taskId: out.id, attempt: 1, fields: { marker: 42 } });
    });

    it('numbers attempts from 1 across retries', async () => {
      const executor = await newExecutor();
      const rec = recorder();
      const out = await run(() => submit(flaky.with({ retries: 2, backoff: QUICK_RETRY }), 1), {
        executor,
        onEvent: rec.onEvent,
      });
      expect(out.attempt).toBe(2);
      expect(attemptsOf(rec.events, 'started')).toEqual([1, 2]);
      expect(attemptsOf(rec.events, 'retrying')).toEqual([1]);
    });

    it('says where each attempt runs: every started event names a worker', async () => {
      const executor = await newExecutor();
      const rec = recorder();
      await run(
        () => [
          submit(flaky.with({ retries: 2, backoff: QUICK_RETRY }), 1),
          ...[1, 2, 3, 4].map((n) => submit(value, n)),
        ],
        { executor, onEvent: rec.onEvent },
      );
      const starts = rec.events.filter((e) => e.type === 'started');
      expect(starts).toHaveLength(6);
      for (const s of starts)
        expect(s.worker, `attempt ${s.attempt} of task ${s.taskId}`).toMatch(/\S/);
    });
  });

  describe('submit from a task', () => {
    // With one slot too: a task awaiting another gives its slot back meanwhile.
    it("adds children to the task's run, and the task can await them", async () => {
      const executor = await newExecutor();
      const rec = recorder();
      const handle = startRun(
        () => {
          const p = submit(parent, 5);
          return { id: p.id, out: p };
        },
        { executor, onEvent: rec.onEvent },
      );
      const { id, out } = await handle.result();
      expect(out.value).toBe(11);
      expect(out.runIds).toEqual([handle.id, handle.id, handle.id]);
      expect(out.child).toMatchObject({ runId: handle.id, taskId: out.ids[2], args: [10] });
      const submitted = rec.events.filter((e) => e.type === 'submitted');
      for (const child of out.ids) {
        expect(submitted.find((e) => e.taskId === child)).toMatchObject({ parentId: id });
      }
      expect(finalStates(rec.events)).toEqual(
        new Map([id, ...out.ids].map((t) => [t, 'succeeded'])),
      );
    });
  });
}
