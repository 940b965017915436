/**
 * @module
 * The `@weft/queue` plugin, which the `weft` command loads when a project
 * declares the package (or lists it in `plugins` of its weft.config.ts):
 * the `queue` executor kind, the `weft worker` command, and the package's
 * error classes (so they cross Redis as themselves).
 */
import { definePlugin } from '@weft/core/cli';
import { QUEUE_ERRORS } from './errors.ts';
import { queueExecutorFactory } from './queue.ts';
import { workerCommand } from './worker/command.ts';

export default definePlugin({
  name: '@weft/queue',
  commands: [workerCommand],
  executors: { queue: queueExecutorFactory },
  errors: QUEUE_ERRORS,
});
