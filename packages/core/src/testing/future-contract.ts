/**
 * @module
 * The future contract: `runFutureContract({ name, where })` registers vitest
 * tests that check what a `Future` promises (its value, its error, `done`,
 * `result`, `exception`, `cancel`, labels, edges) in the run's main code
 * (`where: 'main'`) or inside a task run by an executor (`where: 'task'`,
 * with `executor`), where futures go through the executor's link to the
 * run, in another thread or process for the pool executors.
 */
import { describe, expect, it } from 'vitest';
import { type ExecutorChoice, RunFailedError, run, submit } from '../index.ts';
import { EXPECTED_FAILURES, SCENARIOS, scenario } from './future-scenarios.ts';

export interface FutureContractOptions {
  /** Names the suite in test reports (`future contract: <name>`). */
  readonly name: string;
  /** Where the futures live: the run's main code, or a task on `executor`. */
  readonly where: 'main' | 'task';
  /** The executor of the run. @default inline */
  readonly executor?: () => ExecutorChoice | Promise<ExecutorChoice>;
}

/**
 * Registers the future contract's tests.
 * @example
 * runFutureContract({ name: 'in a thread', where: 'task', executor: () => 'threads' });
 */
export function runFutureContract(options: FutureContractOptions): void {
  describe(`future contract: ${options.name}`, () => {
    let n = 0;
    for (const name of Object.keys(SCENARIOS)) {
      it(name, async () => {
        const executor = options.executor === undefined ? 'inline' : await options.executor();
        const tag = `${process.pid}-${++n}`;
        const failing = EXPECTED_FAILURES[name] ?? [];
        try {
          const value = await run(
            async () =>
              options.where === 'main' ? SCENARIOS[name]!(tag) : submit(scenario, name, tag),
            { executor, record: false, keepGoing: true },
          ).catch((error: unknown) => {
            // Only the tasks the scenario fails on purpose may fail.
            if (!(error instanceof RunFailedError) || failing.length === 0) throw error;
            const failed = error.failures.map((f) => `${f.name}: ${f.error.message}`);
            expect(
              error.failures.map((f) => f.name),
              failed.join('\n'),
            ).toEqual(failing);
            return options.where === 'task' ? name : undefined;
          });
          if (options.where === 'task') expect(value).toBe(name);
        } finally {
          // An executor given as such belongs to the caller: the run does not dispose it.
          const dispose = (executor as Partial<AsyncDisposable>)[Symbol.asyncDispose];
          if (typeof dispose === 'function') await dispose.call(executor);
        }
      });
    }
  });
}
