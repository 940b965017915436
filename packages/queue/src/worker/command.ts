/**
 * @module
 * `weft worker`: a long-running process that takes the queue's jobs and
 * runs them, as a pool worker does, until SIGTERM or Ctrl-C stops it
 * gracefully (a second signal stops it at once). What tasks print goes to
 * their coordinators; what the worker does is logged on its stderr.
 */
import { hostname } from 'node:os';
import { isWeftError } from '@weft/core';
import { type CommandDefinition, UsageError } from '@weft/core/cli';
import { captureOutput } from '@weft/core/worker';
import { workerLogger } from './log.ts';
import { compileWorkerOptions, type WorkerFlags } from './options.ts';
import { QueueWorker } from './queue-worker.ts';
import { currentSession } from './session-host.ts';

/** Errors that mean "fix the command line or the environment": exit 2. */
const USAGE = new Set(['WEFT_QUEUE_OPTIONS', 'WEFT_QUEUE_SECRET']);

const collect = (value: string, previous: unknown): string[] => [
  ...((previous as string[] | undefined) ?? []),
  value,
];

export const workerCommand: CommandDefinition = {
  name: 'worker',
  description: 'take tasks from a Redis queue and run them (the queue executor of @weft/queue)',
  options: [
    {
      flags: '--redis <url>',
      description:
        'Redis URL, without a password (default: $WEFT_QUEUE_REDIS, else redis://127.0.0.1:6379)',
    },
    { flags: '--queue <name>', description: 'the queue to serve (default: weft)' },
    { flags: '-c, --concurrency <n>', description: 'jobs run at once (default: --cpus)' },
    { flags: '--cpus <n>', description: 'cpus offered to tasks (default: the cores)' },
    {
      flags: '--memory-mb <n>',
      description: "memory offered to tasks, in MB (default: the machine's)",
    },
    { flags: '--gpus <n>', description: 'gpus offered to tasks (default: 0)' },
    {
      flags: '--tag <tag>',
      description: 'a tag tasks may require (requirements: { <tag>: 1 }); repeatable',
      parse: collect,
    },
    {
      flags: '--root <dir>',
      description:
        'the project root task modules are imported from (default: the nearest weft.config.ts or package.json)',
    },
    {
      flags: '--artifacts <dir>',
      description: 'the artifact store shared with coordinators (default: <root>/.weft/artifacts)',
    },
    {
      flags: '--inline-limit <bytes>',
      description: 'larger values go through the artifact store (default: 65536)',
    },
    {
      flags: '--heartbeat <duration>',
      description: 'heartbeat interval; lost after three missed (default: 1s)',
    },
    {
      flags: '--grace <duration>',
      description: 'on SIGTERM, how long running tasks may finish (default: 30s)',
    },
    {
      flags: '--preload <module>',
      description: 'a task module to import at start, so no task waits for it; repeatable',
      parse: collect,
    },
    { flags: '--verbose', description: 'log each job' },
  ],
  examples:
    '\nThe secret that signs jobs comes from the environment, as does a Redis password:\n' +
    '  $ export WEFT_QUEUE_SECRET=$(openssl rand -hex 32)   # the same for coordinator and workers\n' +
    '  $ WEFT_QUEUE_REDIS=redis://:pw@10.0.0.5:6379 weft worker --concurrency 8 --tag ssd\n',
  async run(ctx) {
    const label = `${hostname()}:${process.pid}`;
    // Saved before output is captured: the worker's own log is not a task's output.
    const writeErr = process.stderr.write.bind(process.stderr);
    const flags = ctx.options as WorkerFlags;
    const log = workerLogger(label, (t) => void writeErr(t), flags.verbose === true);
    let options: ReturnType<typeof compileWorkerOptions>;
    try {
      options = compileWorkerOptions(flags, ctx.cwd);
    } catch (error) {
      if (isWeftError(error) && USAGE.has(error.code)) throw new UsageError(error.message);
      throw error;
    }
    // A pool refuses to start inside a weft worker (a task module that starts a run when imported).
    (globalThis as Record<symbol, unknown>)[Symbol.for('weft.worker')] = `queue worker ${label}`;
    const restore = captureOutput((stream, text) => {
      const session = currentSession.getStore();
      if (session !== undefined) session.output(stream, text);
      else if (stream === 2) writeErr(text);
      else ctx.out(text);
    });
    let worker: QueueWorker;
    try {
      worker = await QueueWorker.start(options, log);
    } catch (error) {
      restore();
      if (isWeftError(error) && USAGE.has(error.code)) throw new UsageError(error.message);
      throw error;
    }
    let stops = 0;
    const stop = (why: string) => {
      if (++stops > 1) {
        log.warn(`${why} again: exiting now`);
        process.exit(1);
      }
      void worker.stop(why);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => stop('SIGHUP'));
    let failed = false;
    process.on('uncaughtException', (error) => {
      // A task's stray callback threw: this process's state is not to be trusted any more.
      log.error(`uncaught error, stopping: ${error.stack ?? error.message}`);
      failed = true;
      setTimeout(() => process.exit(1), 5000).unref();
      void worker.stop('an uncaught error');
    });
    await worker.stopped;
    restore();
    return failed ? 1 : 0;
  },
};
