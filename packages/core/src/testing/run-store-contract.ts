/**
 * @module
 * The run store conformance suite. `runRunStoreContract({ name, create })`
 * registers vitest tests that drive a run store through its seam (writers,
 * queries) and check the contract written in `store/run-store.ts`. A new
 * store is done when it passes. Its sections are in `run-store-contract/`.
 */
import { afterEach, describe } from 'vitest';
import type { RunStore } from '../store/run-store.ts';
import { cacheContract } from './run-store-contract/cache.ts';
import { clearCacheContract } from './run-store-contract/clear-cache.ts';
import { continueContract } from './run-store-contract/continue.ts';
import { deleteRunsContract } from './run-store-contract/delete-runs.ts';
import { eventsContract } from './run-store-contract/events.ts';
import type { StoreContext } from './run-store-contract/helpers.ts';
import { interruptedContract } from './run-store-contract/interrupted.ts';
import { lifecycleContract } from './run-store-contract/lifecycle.ts';
import { resumeContract } from './run-store-contract/resume.ts';
import { runResultContract } from './run-store-contract/run-result.ts';
import { runsContract } from './run-store-contract/runs.ts';
import { sessionsContract } from './run-store-contract/sessions.ts';
import { tasksContract } from './run-store-contract/tasks.ts';

export interface RunStoreContractOptions {
  /** Names the suite in test reports (`run store contract: <name>`). */
  readonly name: string;
  /** A new, empty store for each test; the suite disposes it after the test. */
  readonly create: () => RunStore | Promise<RunStore>;
  /**
   * For stores that persist: another store object on the same location as
   * `store` (disposed after the test too). Enables the checks that flushed
   * data is visible across store objects and outlives `dispose`.
   */
  readonly reopen?: (store: RunStore) => RunStore | Promise<RunStore>;
}

/**
 * Registers the run store contract's tests for one store.
 * @example
 * // test/store-memory.test.ts
 * import { createMemoryRunStore } from '../src/store/memory-run-store.ts';
 * import { runRunStoreContract } from '@weft/core/testing';
 *
 * runRunStoreContract({ name: 'memory', create: () => createMemoryRunStore() });
 */
export function runRunStoreContract({ name, create, reopen }: RunStoreContractOptions): void {
  describe(`run store contract: ${name}`, () => {
    const created: RunStore[] = [];
    const context: StoreContext = {
      newStore: async () => {
        const store = await create();
        created.push(store);
        return store;
      },
      reopen:
        reopen &&
        (async (store) => {
          const again = await reopen(store);
          created.push(again);
          return again;
        }),
    };
    afterEach(async () => {
      for (const store of created.splice(0)) await store[Symbol.asyncDispose]();
    });

    runsContract(context);
    tasksContract(context);
    eventsContract(context);
    resumeContract(context);
    sessionsContract(context);
    continueContract(context);
    interruptedContract(context);
    runResultContract(context);
    cacheContract(context);
    clearCacheContract(context);
    deleteRunsContract(context);
    lifecycleContract(context);
  });
}
