/**
 * @module
 * The queue executor against raw BullMQ, in one run, on one private Redis
 * (scripts/redis.sh):
 *
 * - independent no-op tasks (10,000 and 100,000) on 2 worker processes:
 *   weft's `queue` executor and `weft worker`, against a BullMQ queue, one
 *   `addBulk` and 2 BullMQ worker processes of the same concurrency, as a
 *   ratio of throughputs (goal: weft at least 0.8x);
 * - a chain of 1,000 dependent tasks: the time per link (goal: under 1 ms),
 *   against a BullMQ flow of as many levels, each job the only child of the
 *   next, on the same raw workers (a flow's parent is released inside Redis,
 *   by the script that completes its child: the floor of what a queue can do).
 *
 * weft runs unrecorded (`record: false`): the executor is what is measured.
 * What a task costs each process in CPU, and Redis in commands, which wall
 * time on a busy machine blurs: `bench/queue-cost.ts`.
 *
 *   node bench/queue.ts [--tasks 10000,100000] [--chain 1000] [--concurrency 32] [--repeat 3]
 *                       [--prefetch n]   (the executor's option; its default otherwise)
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Future, run, submit } from '@weft/core';
import { createQueueExecutor } from '@weft/queue';
import { type FlowJob, FlowProducer, Queue } from 'bullmq';
import { BIN, queueBench, REPO } from './queue-setup.ts';
import { link, noop } from './queue-tasks.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000,100000' },
    chain: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '32' },
    prefetch: { type: 'string' },
    repeat: { type: 'string', default: '3' },
  },
});
const sizes = values.tasks.split(',').map(Number);
const chain = Number(values.chain);
const concurrency = Number(values.concurrency);
const repeat = Number(values.repeat);
const options = values.prefetch === undefined ? {} : { prefetch: Number(values.prefetch) };

const bench = queueBench('run-');
const { port, url, stopAll } = bench;
const start = bench.start;

/** Seconds raw BullMQ takes to add `n` jobs (addBulk) and have its workers drain them. */
async function rawRun(n: number): Promise<number> {
  const queue = new Queue('raw', { connection: { host: '127.0.0.1', port } });
  const jobs = Array.from({ length: n }, () => ({
    name: 'noop',
    data: {},
    opts: { removeOnComplete: true, removeOnFail: true },
  }));
  const startAt = performance.now();
  await queue.addBulk(jobs);
  await drained(queue);
  const seconds = (performance.now() - startAt) / 1000;
  await queue.close();
  return seconds;
}

/** Resolves once `queue` holds no job that is waiting or running. */
async function drained(queue: Queue): Promise<void> {
  for (;;) {
    const counts = await queue.getJobCounts(
      'wait',
      'active',
      'prioritized',
      'delayed',
      'waiting-children',
    );
    if (Object.values(counts).every((c) => c === 0)) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Milliseconds per level of a BullMQ flow `n` levels deep (each job the one child of the next). */
async function rawChainRun(n: number): Promise<number> {
  const queue = new Queue('raw', { connection: { host: '127.0.0.1', port } });
  const flows = new FlowProducer({ connection: { host: '127.0.0.1', port } });
  const opts = { removeOnComplete: true, removeOnFail: true };
  let flow: FlowJob = { name: 'link', queueName: 'raw', data: {}, opts };
  for (let i = 1; i < n; i++)
    flow = { name: 'link', queueName: 'raw', data: {}, opts, children: [flow] };
  const startAt = performance.now();
  await flows.add(flow);
  await drained(queue);
  const ms = (performance.now() - startAt) / n;
  await Promise.all([queue.close(), flows.close()]);
  return ms;
}

/** Seconds weft's queue executor takes to run `n` no-op tasks. */
async function weftRun(n: number): Promise<number> {
  const executor = await createQueueExecutor({ redis: url, root: REPO, ...options });
  const startAt = performance.now();
  await run(
    () => {
      for (let i = 0; i < n; i++) submit(noop);
    },
    { executor, record: false },
  );
  const seconds = (performance.now() - startAt) / 1000;
  await executor[Symbol.asyncDispose]();
  return seconds;
}

/** Milliseconds per link of a chain of `n` dependent tasks. */
async function chainRun(n: number): Promise<number> {
  const executor = await createQueueExecutor({ redis: url, root: REPO, ...options });
  const startAt = performance.now();
  const out = await run(
    () => {
      let f: Future<number> = submit(link, 0);
      for (let i = 1; i < n; i++) f = submit(link, f);
      return f;
    },
    { executor, record: false },
  );
  const ms = (performance.now() - startAt) / n;
  if (out !== n) throw new Error(`the chain returned ${out}, not ${n}`);
  await executor[Symbol.asyncDispose]();
  return ms;
}

const rate = (seconds: number, count: number) => Math.round(count / seconds).toLocaleString('en');
const rows: string[][] = [];
try {
  const tasks = join(REPO, 'bench/queue-tasks.ts');
  const weftArgs = [
    'worker',
    '--root',
    REPO,
    '--preload',
    tasks,
    '--concurrency',
    String(concurrency),
  ];
  const raw = join(REPO, 'bench/queue-raw-worker.ts');
  const rawArgs = [raw, String(port), 'raw', String(concurrency)];
  // Each side runs with only its own 2 workers alive; sides alternate, each keeps its best.
  const weftBest = new Map<number, number>();
  const rawBest = new Map<number, number>();
  let perLink = Number.POSITIVE_INFINITY;
  let rawPerLevel = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeat; r++) {
    for (let i = 0; i < 2; i++) await start([BIN, ...weftArgs], 'serving queue');
    if (r === 0) await weftRun(1000); // workers import their modules, connections are made
    for (const n of sizes) weftBest.set(n, Math.min(weftBest.get(n) ?? Infinity, await weftRun(n)));
    perLink = Math.min(perLink, await chainRun(chain));
    await stopAll();
    for (let i = 0; i < 2; i++) await start(rawArgs, 'ready');
    if (r === 0) await rawRun(1000);
    for (const n of sizes) rawBest.set(n, Math.min(rawBest.get(n) ?? Infinity, await rawRun(n)));
    rawPerLevel = Math.min(rawPerLevel, await rawChainRun(chain));
    await stopAll();
  }
  for (const n of sizes) {
    const weft = weftBest.get(n)!;
    const bull = rawBest.get(n)!;
    rows.push([
      `no-op x${n.toLocaleString('en')}, 2 workers of ${concurrency}`,
      `weft ${rate(weft, n)}/s`,
      `BullMQ ${rate(bull, n)}/s`,
      (bull / weft).toFixed(2),
    ]);
  }
  rows.push([
    `chain of ${chain.toLocaleString('en')} dependent tasks`,
    `${perLink.toFixed(3)} ms/link`,
    `BullMQ flow ${rawPerLevel.toFixed(3)} ms/level`,
    `${(rawPerLevel / perLink).toFixed(2)} (goal: < 1 ms/link)`,
  ]);
  printTable(['workload', 'weft', 'baseline', 'ratio (weft/BullMQ throughput)'], rows);
} finally {
  await stopAll();
  bench.close();
}
