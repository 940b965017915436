/**
 * The executor contract, run against executors made of pools: what holds
 * for one executor holds for the default pool of a pools executor, whether
 * that pool runs tasks here or in worker threads.
 */
import { createInlineExecutor, poolsExecutor, threadsExecutor } from '@weft/core';
import { runExecutorContract } from '@weft/core/testing';

// As in executor-threads.test.ts: the pool is started, with the contract's
// tasks loaded, before each test, so cold workers do not eat its timeouts.
const preload = [new URL('../src/testing/contract-tasks.ts', import.meta.url)];

runExecutorContract({
  name: 'pools (default: inline, 2 slots, 2 cpus; beside it: threads)',
  create: () =>
    poolsExecutor(
      {
        local: createInlineExecutor({ concurrency: 2, resources: { cpus: 2 } }),
        workers: threadsExecutor({ max: 1, killGrace: '200ms' }),
      },
      { default: 'local' },
    ),
});

runExecutorContract({
  name: 'pools (default: threads, 2 workers; beside it: inline)',
  create: async () => {
    const workers = threadsExecutor({ max: 2, killGrace: '200ms', preload });
    await workers.ready();
    return poolsExecutor({ local: createInlineExecutor(), workers }, { default: 'workers' });
  },
});
