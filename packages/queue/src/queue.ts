/**
 * @module
 * The `queue` executor as users choose it: `queue({...})` in a resource set,
 * `{ kind: 'queue', ... }` in config, or `--executor queue`. The kind is
 * registered when this module loads, so code that runs workflows without the
 * CLI needs no more than importing `@weft/queue`.
 */
import type { ResourceDefinition } from '@weft/core';
import { type Executor, executorOfKind, registerExecutorKind } from '@weft/core/executor';
import { QueueExecutor } from './coordinator/executor.ts';
import { compileQueueOptions, type QueueOptions } from './coordinator/options.ts';

/**
 * A connected queue executor; rejects with a clear error (`QueueOptionsError`,
 * `QueueSecretError`, `QueueConnectError`) before any task runs.
 * @example
 * const executor = await createQueueExecutor({ redis: 'redis://10.0.0.5:6379', queue: 'etl' });
 */
export function createQueueExecutor(options: QueueOptions = {}): Promise<QueueExecutor> {
  return QueueExecutor.create(options);
}

const factory = (options: Readonly<Record<string, unknown>>): Promise<Executor> =>
  createQueueExecutor(options as QueueOptions);

registerExecutorKind('queue', factory);

/**
 * The queue executor, as a resource definition for the `executor` key of a
 * resource set: tasks run on `weft worker` processes, on any machine that
 * reaches the same Redis and has the same code. Options are checked now.
 * @example
 * const cluster = resourceSet({ executor: queue({ queue: 'etl', placementTimeout: '10m' }) });
 */
export function queue(options: QueueOptions = {}): ResourceDefinition<Executor> {
  compileQueueOptions(options as Readonly<Record<string, unknown>>);
  registerExecutorKind('queue', factory);
  return executorOfKind('queue', options as Readonly<Record<string, unknown>>);
}

/** The factory of the `queue` kind, for `definePlugin({ executors })`. */
export const queueExecutorFactory = factory;
