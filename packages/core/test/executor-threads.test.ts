import { threadsExecutor } from '@weft/core';
import { runExecutorContract } from '@weft/core/testing';

// The contract's timeouts are 20 ms, and the scheduler starts an attempt's
// clock at dispatch: a cold worker would spend them starting. So the pool
// is started, with the contract's tasks loaded, before each test.
const preload = [new URL('../src/testing/contract-tasks.ts', import.meta.url)];

runExecutorContract({
  name: 'threads (2 workers)',
  create: async () => {
    const executor = threadsExecutor({ max: 2, killGrace: '200ms', preload });
    await executor.ready();
    return executor;
  },
});

runExecutorContract({
  name: 'threads (1 worker, 4 tasks at once)',
  create: async () => {
    const executor = threadsExecutor({ max: 1, concurrency: 4, killGrace: '200ms', preload });
    await executor.ready();
    return executor;
  },
});
