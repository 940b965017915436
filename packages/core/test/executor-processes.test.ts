import { processesExecutor } from '@weft/core';
import { runExecutorContract } from '@weft/core/testing';

// Started before each test: see executor-threads.test.ts.
const preload = [new URL('../src/testing/contract-tasks.ts', import.meta.url)];

runExecutorContract({
  name: 'processes (2 workers)',
  create: async () => {
    const executor = processesExecutor({ max: 2, killGrace: '200ms', preload });
    await executor.ready();
    return executor;
  },
});
