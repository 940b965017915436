/**
 * @module
 * The executor conformance suite. `runExecutorContract({ name, create })`
 * registers vitest tests that drive an executor through the public API
 * (`run`, `startRun`, `submit`, `task`) and check the contract written in
 * `executor/executor.ts`. A new executor is done when it passes.
 *
 * What the suite observes comes from the run's events, the tasks' results,
 * errors and logs, never from memory shared with the tasks, so it holds for
 * executors that run tasks in other threads or processes too. Its sections
 * are in `contract/`.
 */
import { afterEach, describe } from 'vitest';
import type { Executor } from '../index.ts';
import { capacityContract } from './contract/capacity.ts';
import { graphsContract } from './contract/graphs.ts';
import type { ContractContext } from './contract/helpers.ts';
import { invocationContract } from './contract/invocation.ts';
import { lifecycleContract } from './contract/lifecycle.ts';
import { resultsContract } from './contract/results.ts';
import { signalContract } from './contract/signal.ts';

export interface ExecutorContractOptions {
  /** Names the suite in test reports (`executor contract: <name>`). */
  readonly name: string;
  /** A new executor for each test; the suite disposes it after the test. */
  readonly create: () => Executor | Promise<Executor>;
}

/**
 * Registers the executor contract's tests for one executor.
 * @example
 * // test/executor-inline.test.ts
 * import { inline } from '@weft/core';
 * import { runExecutorContract } from '@weft/core/testing';
 *
 * runExecutorContract({ name: 'inline', create: () => inline() });
 */
export function runExecutorContract({ name, create }: ExecutorContractOptions): void {
  describe(`executor contract: ${name}`, () => {
    const created: Executor[] = [];
    const context: ContractContext = {
      newExecutor: async () => {
        const executor = await create();
        created.push(executor);
        return executor;
      },
    };
    afterEach(async () => {
      for (const executor of created.splice(0)) await executor[Symbol.asyncDispose]();
    });

    capacityContract(context);
    resultsContract(context);
    invocationContract(context);
    signalContract(context);
    graphsContract(context);
    lifecycleContract(context);
  });
}
