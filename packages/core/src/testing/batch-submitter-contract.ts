/**
 * @module
 * The conformance suite of the delayed-submission seam.
 * `runBatchSubmitterContract({ name, create, outcomes })` registers vitest
 * tests that hand graphs to a batch submitter and check the contract
 * written in `executor/batch-submitter.ts`: the order it takes tasks in,
 * values reaching their dependents, failures stopping them, and the receipt.
 * How the tasks ended is read through `outcomes`, the batch system's own
 * account, so the suite holds for systems that run tasks after weft exits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type {
  BatchContext,
  BatchOutcome,
  BatchReceipt,
  BatchSubmitter,
  PlannedTask,
} from '../executor/batch-submitter.ts';
import type { Task } from '../index.ts';
import { silentLogger } from '../vocabulary/logger.ts';
import { add, addPair, fail, sum, value } from './batch-tasks.ts';

export interface BatchSubmitterContractOptions {
  /** Names the suite in test reports (`batch submitter contract: <name>`). */
  readonly name: string;
  /** A new submitter for each test; the suite disposes it after the test. */
  readonly create: (context: BatchContext) => BatchSubmitter | Promise<BatchSubmitter>;
  /** Waits until the tasks `ids` of the receipt's run have ended; how each did. */
  readonly outcomes: (
    submitter: BatchSubmitter,
    receipt: BatchReceipt,
    ids: readonly number[],
  ) => Promise<ReadonlyMap<number, BatchOutcome>>;
  /** Per-test timeout, for batch systems slower than a process. @default 20000 */
  readonly timeoutMs?: number;
}

let runs = 0;

function planned(
  id: number,
  task: Task,
  args: readonly unknown[],
  inputs: readonly { path: (string | number)[]; id: number }[] = [],
  label?: string,
): PlannedTask {
  return {
    id,
    prerequisites: [...new Set(inputs.map((i) => i.id))],
    task,
    args,
    inputs,
    label,
  };
}

/**
 * Registers the batch submitter contract's tests for one implementation.
 * @example
 * import { createLocalBatchSubmitter } from '@weft/core/worker';
 * runBatchSubmitterContract({
 *   name: 'local',
 *   create: (context) => createLocalBatchSubmitter(context),
 *   outcomes: (submitter) => (submitter as LocalBatchSubmitter).outcomes(),
 * });
 */
export function runBatchSubmitterContract(options: BatchSubmitterContractOptions): void {
  const { name, create, outcomes } = options;
  const timeout = options.timeoutMs ?? 20_000;
  describe(`batch submitter contract: ${name}`, () => {
    const made: BatchSubmitter[] = [];
    const fresh = async (): Promise<BatchSubmitter> => {
      const submitter = await create({
        runId: `contract-${process.pid}-${Date.now().toString(36)}-${++runs}`,
        cwd: process.cwd(),
        resourceSource: undefined,
        log: silentLogger,
      });
      made.push(submitter);
      return submitter;
    };
    const handOver = async (tasks: readonly PlannedTask[]) => {
      const submitter = await fresh();
      for (const t of tasks) await submitter.add(t);
      const receipt = await submitter.complete();
      const ended = await outcomes(
        submitter,
        receipt,
        tasks.map((t) => t.id),
      );
      return { receipt, ended };
    };
    afterEach(async () => {
      for (const s of made.splice(0)) await s[Symbol.asyncDispose]();
    });

    it(
      "passes each prerequisite's value where inputs say, down a chain",
      async () => {
        const { ended } = await handOver([
          planned(0, value, [2]),
          planned(1, add, [null, 3], [{ path: [0], id: 0 }]),
          planned(
            2,
            addPair,
            [{ left: null, right: [null, 10] }],
            [
              { path: [0, 'left'], id: 1 },
              { path: [0, 'right', 0], id: 0 },
            ],
            'last',
          ),
        ]);
        expect(ended.get(0)).toEqual({ state: 'succeeded', value: 2 });
        expect(ended.get(1)).toEqual({ state: 'succeeded', value: 5 });
        expect(ended.get(2)).toEqual({ state: 'succeeded', value: 17 });
      },
      timeout,
    );

    it(
      'runs a fan-out of one task and its fan-in',
      async () => {
        const wide = 12;
        const tasks = [planned(0, value, [1])];
        for (let i = 1; i <= wide; i++)
          tasks.push(planned(i, add, [null, i], [{ path: [0], id: 0 }]));
        const parts = tasks.slice(1).map((t) => ({ path: [t.id - 1], id: t.id }));
        tasks.push(planned(wide + 1, sum, new Array(wide).fill(null), parts));
        const { ended } = await handOver(tasks);
        expect(ended.get(wide + 1)).toEqual({
          state: 'succeeded',
          value: wide + (wide * (wide + 1)) / 2,
        });
      },
      timeout,
    );

    it(
      "never runs a failed task's dependents, and runs what does not depend on it",
      async () => {
        const { ended } = await handOver([
          planned(0, fail, ['the input was bad']),
          planned(1, add, [null, 1], [{ path: [0], id: 0 }]),
          planned(2, add, [null, 1], [{ path: [0], id: 1 }]),
          planned(3, value, ['independent']),
        ]);
        const failed = ended.get(0);
        expect(failed?.state).toBe('failed');
        expect(failed?.state === 'failed' && failed.error.message).toContain('the input was bad');
        expect(ended.get(1)?.state).not.toBe('succeeded');
        expect(ended.get(2)?.state).not.toBe('succeeded');
        expect(ended.get(3)).toEqual({ state: 'succeeded', value: 'independent' });
      },
      timeout,
    );

    it(
      'takes tasks in topological order, whatever their ids',
      async () => {
        const { ended } = await handOver([
          planned(5, value, [4]),
          planned(2, add, [null, 1], [{ path: [0], id: 5 }]),
        ]);
        expect(ended.get(2)).toEqual({ state: 'succeeded', value: 5 });
      },
      timeout,
    );

    it('refuses a task before its prerequisite, twice, or after complete(), naming it', async () => {
      const submitter = await fresh();
      const early = await refusal(() =>
        submitter.add(planned(1, add, [null, 1], [{ path: [0], id: 0 }], 'early')),
      );
      expect(early.message).toBe(
        'batch.add#1 "early": its prerequisite 0 was not added before it (a batch submitter ' +
          'takes each task once, after all its prerequisites, and nothing after complete())',
      );
      await submitter.add(planned(0, value, [1]));
      const twice = await refusal(() => submitter.add(planned(0, value, [2])));
      expect(twice.message).toMatch(/^batch\.value#0: id 0 was added already/);
      await submitter.complete();
      const late = await refusal(() => submitter.add(planned(7, value, [3])));
      expect(late.message).toMatch(/^batch\.value#7: added after complete\(\)/);
      for (const e of [early, twice, late]) expect(e).toMatchObject({ code: 'WEFT_BATCH_ORDER' });
    });

    it('completes an empty graph, with a receipt that is JSON data', async () => {
      const submitter = await fresh();
      const receipt = await submitter.complete();
      expect(JSON.parse(JSON.stringify(receipt.record))).toEqual(receipt.record);
      expect(typeof receipt.summary).toBe('string');
    });
  });
}

async function refusal(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal, but the submitter took it');
}
