/**
 * @module
 * What a pilot job runs: a `weft worker` of @weft/queue (the same command,
 * called without the command line), serving the run's queue with the job's
 * cpus until the job ends (SIGTERM: scancel, wall time) or the coordinator
 * cancels it. Its settings come from the environment the pilot was
 * submitted with: `WEFT_PILOT_REDIS`, `WEFT_PILOT_QUEUE`, `WEFT_PILOT_CPUS`,
 * `WEFT_PILOT_ROOT` (and `WEFT_QUEUE_SECRET`, which signs the queue's jobs).
 */
import { plugin } from '@weft/queue';

const env = process.env;
const worker = plugin.commands?.find((c) => c.name === 'worker');
if (worker === undefined) throw new Error('@weft/queue has no worker command');
const cpus = env.WEFT_PILOT_CPUS ?? '1';
process.exitCode = await worker.run({
  args: [],
  options: {
    redis: env.WEFT_PILOT_REDIS,
    queue: env.WEFT_PILOT_QUEUE,
    cpus,
    concurrency: cpus,
    root: env.WEFT_PILOT_ROOT,
  },
  cwd: process.cwd(),
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  openStore: async () => undefined,
});
