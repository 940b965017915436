import { threadsExecutor } from '@weft/core';
import { runFutureContract } from '@weft/core/testing';

const preload = [new URL('../src/testing/future-scenarios.ts', import.meta.url)];

runFutureContract({ name: 'in main', where: 'main' });
runFutureContract({ name: 'in an inline task', where: 'task' });
runFutureContract({
  name: 'in a worker thread',
  where: 'task',
  executor: () => threadsExecutor({ max: 2, preload }),
});
runFutureContract({ name: 'in a child process', where: 'task', executor: () => 'processes' });
