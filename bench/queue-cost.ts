/**
 * @module
 * What one no-op task costs on the queue, weft against raw BullMQ, in CPU
 * and in Redis commands rather than in wall time (which other work on the
 * machine blurs): the CPU time of the coordinator (or the raw side's
 * producer), of the 2 worker processes and of Redis, per task, and the
 * Redis commands run per task, by name (`INFO commandstats`). The queue
 * benchmark's throughput is bounded by their sum on a machine of 2 cores.
 * And for weft, the same per link of a chain of dependent tasks (whose
 * time per link is a latency, which other work on the machine blurs most).
 *
 *   node bench/queue-cost.ts [--tasks 20000] [--chain 1000] [--concurrency 32] [--side weft,raw]
 *                            [--prefetch n]   (the executor's option; its default otherwise)
 *                            [--prof <dir>]   (CPU profiles of workers: --cpu-prof there)
 *
 * For the coordinator's profile, run this script itself with `node --cpu-prof`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Future, run, submit } from '@weft/core';
import { createQueueExecutor } from '@weft/queue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BIN, queueBench, REPO } from './queue-setup.ts';
import { link, noop } from './queue-tasks.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '20000' },
    chain: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '32' },
    side: { type: 'string', default: 'weft,raw' },
    prof: { type: 'string' },
    prefetch: { type: 'string' },
  },
});
const n = Number(values.tasks);
const chain = Number(values.chain);
const concurrency = Number(values.concurrency);
const sides = values.side.split(',');
const options = values.prefetch === undefined ? {} : { prefetch: Number(values.prefetch) };
const prof = values.prof === undefined ? undefined : resolve(values.prof);
if (prof !== undefined) mkdirSync(prof, { recursive: true });

const bench = queueBench('cost-');
const { port, url, stopAll } = bench;
const admin = new Redis({ host: '127.0.0.1', port });
const start = (args: readonly string[], ready: string) =>
  bench.start(
    args,
    ready,
    prof === undefined ? {} : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${prof}` },
  );

/** CPU milliseconds a process used so far (user + system), from /proc. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

async function redisCpuMs(): Promise<number> {
  const info = await admin.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)![1]);
  return (get('used_cpu_sys') + get('used_cpu_user')) * 1000;
}

async function commandStats(): Promise<Map<string, number>> {
  const info = await admin.info('commandstats');
  const out = new Map<string, number>();
  for (const m of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) out.set(m[1]!, Number(m[2]));
  return out;
}

interface Cost {
  readonly seconds: number;
  readonly main: number;
  readonly workers: number;
  readonly redis: number;
  readonly commands: Map<string, number>;
}

async function measure(workers: ChildProcess[], body: () => Promise<void>): Promise<Cost> {
  await admin.config('RESETSTAT');
  const w0 = workers.map((w) => cpuMs(w.pid!));
  const r0 = await redisCpuMs();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const r1 = await redisCpuMs();
  const w1 = workers.map((w) => cpuMs(w.pid!));
  const commands = await commandStats();
  return {
    seconds,
    main: (c.user + c.system) / 1000,
    workers: w1.reduce((s, v, i) => s + v - w0[i]!, 0),
    redis: r1 - r0,
    commands,
  };
}

async function weftSide(): Promise<Cost> {
  const args = ['worker', '--root', REPO, '--preload', join(REPO, 'bench/queue-tasks.ts')];
  const workers = [];
  for (let i = 0; i < 2; i++)
    workers.push(
      await start([BIN, ...args, '--concurrency', String(concurrency)], 'serving queue'),
    );
  const executor = await createQueueExecutor({ redis: url, root: REPO, ...options });
  const go = (count: number) =>
    run(
      () => {
        for (let i = 0; i < count; i++) submit(noop);
      },
      { executor, record: false },
    );
  await go(1000); // warm: modules imported, connections made
  const cost = await measure(workers, () => go(n));
  if (chain > 0) {
    chainCost = await measure(workers, async () => {
      await run(
        () => {
          let f: Future<number> = submit(link, 0);
          for (let i = 1; i < chain; i++) f = submit(link, f);
          return f;
        },
        { executor, record: false },
      );
    });
  }
  await executor[Symbol.asyncDispose]();
  await stopAll();
  return cost;
}

let chainCost: Cost | undefined;

async function rawSide(): Promise<Cost> {
  const raw = join(REPO, 'bench/queue-raw-worker.ts');
  const workers = [];
  for (let i = 0; i < 2; i++)
    workers.push(await start([raw, String(port), 'raw', String(concurrency)], 'ready'));
  const queue = new Queue('raw', { connection: { host: '127.0.0.1', port } });
  const go = async (count: number) => {
    await queue.addBulk(
      Array.from({ length: count }, () => ({
        name: 'noop',
        data: {},
        opts: { removeOnComplete: true, removeOnFail: true },
      })),
    );
    for (;;) {
      const counts = await queue.getJobCounts('wait', 'active', 'prioritized', 'delayed');
      if (Object.values(counts).every((c) => c === 0)) return;
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  await go(1000);
  const cost = await measure(workers, () => go(n));
  await queue.close();
  await stopAll();
  return cost;
}

const per = (ms: number) => ((ms * 1000) / n).toFixed(1);
try {
  const rows: string[][] = [];
  const commandRows: string[][] = [];
  const results = new Map<string, Cost>();
  for (const side of sides) results.set(side, side === 'weft' ? await weftSide() : await rawSide());
  for (const [side, c] of results) {
    const total = c.main + c.workers + c.redis;
    rows.push([
      side,
      `${Math.round(n / c.seconds).toLocaleString('en')}/s`,
      per(c.main),
      per(c.workers),
      per(c.redis),
      per(total),
    ]);
  }
  printTable(
    [`${n.toLocaleString('en')} no-op tasks`, 'wall', 'main µs', 'workers µs', 'redis µs', 'total'],
    rows,
  );
  if (chainCost !== undefined) {
    const c = chainCost;
    const link = (ms: number) => ((ms * 1000) / chain).toFixed(1);
    console.log();
    printTable(
      [`chain of ${chain.toLocaleString('en')}`, 'ms/link', 'main µs', 'workers µs', 'redis µs'],
      [
        [
          'weft',
          ((c.seconds * 1000) / chain).toFixed(3),
          link(c.main),
          link(c.workers),
          link(c.redis),
        ],
      ],
    );
  }
  const names = new Set([...results.values()].flatMap((c) => [...c.commands.keys()]));
  for (const name of [...names].sort()) {
    if (name === 'info' || name === 'config|resetstat') continue;
    commandRows.push([
      name,
      ...[...results.values()].map((c) => ((c.commands.get(name) ?? 0) / n).toFixed(3)),
    ]);
  }
  console.log();
  printTable(['command per task', ...results.keys()], commandRows);
} finally {
  await stopAll();
  admin.disconnect();
  bench.close();
}
