/**
 * @module
 * `@weft/queue`: weft on many machines. The `queue` executor sends each
 * ready task, as a signed job, through Redis (and BullMQ, for jobs queued
 * beyond a worker's slots) to a `weft worker` process on any machine that
 * reaches the same Redis and has the same code; the coordinator's scheduler
 * keeps the graph. Importing this module registers the executor kind; the
 * `weft` command loads the plugin (`./plugin.js`) when the project declares
 * the package.
 */
export type { QueueExecutor } from './coordinator/executor.ts';
export type { QueueOptions } from './coordinator/options.ts';
export {
  JobRefusedError,
  ModuleOutsideRootError,
  NoWorkerError,
  QUEUE_ERRORS,
  QueueArtifactMissingError,
  QueueClosedError,
  QueueConnectError,
  QueueMessageError,
  QueueOptionsError,
  QueueSecretError,
  type RefusalReason,
  TaskStoppedError,
  WorkerLostError,
} from './errors.ts';
export { default as plugin } from './plugin.ts';
export { createQueueExecutor, queue } from './queue.ts';
