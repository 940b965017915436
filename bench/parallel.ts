/**
 * @module
 * Parallel executors benchmark, against their baselines in the same run:
 *
 * - no-op throughput on 2 workers: `threads` against piscina used directly,
 *   `processes` against plain child_process.fork round trips; with one task
 *   in flight per worker (the default) and with 16 (`concurrency: 16`, and
 *   the same depth for the baselines);
 * - a CPU-bound workload (tasks of ~20 ms of hashing): `threads` on 2
 *   workers against `inline`, as a speedup.
 *
 *   node bench/parallel.ts [--tasks 100000] [--cpu-tasks 200] [--repeat 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Executor,
  type ParallelExecutor,
  processesExecutor,
  run,
  submit,
  threadsExecutor,
} from '@weft/core';
import { forkRun, piscinaRun } from './parallel-baselines.ts';
import { hashing, hashRounds, noop } from './parallel-tasks.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    'cpu-tasks': { type: 'string', default: '200' },
    repeat: { type: 'string', default: '3' },
  },
});
const n = Number(values.tasks);
const cpuTasks = Number(values['cpu-tasks']);
const repeat = Number(values.repeat);
const preload = [new URL('./parallel-tasks.ts', import.meta.url)];
/** Runs are recorded (the default) in a store of the benchmark's own, not in the working directory's. */
const storeDir = mkdtempSync(join(tmpdir(), 'weft-bench-parallel-'));
const store = join(storeDir, 'weft.db');

/** The shortest of `repeat` timings, in seconds. */
async function best(measure: () => Promise<number>): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeat; r++) min = Math.min(min, await measure());
  return min;
}

/** Seconds weft takes to run `count` submissions of `submitOne` on a started executor. */
async function weftRun(
  make: () => ParallelExecutor | undefined,
  count: number,
  submitOne: () => unknown,
): Promise<number> {
  const executor = make();
  await executor?.ready();
  const start = performance.now();
  await run(
    () => {
      for (let i = 0; i < count; i++) submitOne();
    },
    executor === undefined ? { store } : { executor: executor as Executor, store },
  );
  const seconds = (performance.now() - start) / 1000;
  await executor?.[Symbol.asyncDispose]();
  return seconds;
}

const rate = (seconds: number, count: number) => Math.round(count / seconds).toLocaleString('en');
const rows: string[][] = [];

for (const depth of [1, 16]) {
  const threads = await best(() =>
    weftRun(
      () => threadsExecutor({ max: 2, concurrency: depth, preload }),
      n,
      () => submit(noop),
    ),
  );
  const piscina = await best(() => piscinaRun(n, depth));
  rows.push([
    `no-op x${n.toLocaleString('en')}, ${depth} in flight/worker`,
    `threads ${rate(threads, n)}/s`,
    `piscina ${rate(piscina, n)}/s`,
    (piscina / threads).toFixed(2),
  ]);
  const processes = await best(() =>
    weftRun(
      () => processesExecutor({ max: 2, concurrency: depth, preload }),
      n,
      () => submit(noop),
    ),
  );
  const forked = await best(() => forkRun(n, depth));
  rows.push([
    `no-op x${n.toLocaleString('en')}, ${depth} in flight/worker`,
    `processes ${rate(processes, n)}/s`,
    `fork ${rate(forked, n)}/s`,
    (forked / processes).toFixed(2),
  ]);
}

// Rounds of hashing that take about 20 ms here.
const probe = performance.now();
hashRounds(200);
const rounds = Math.max(1, Math.round((200 * 20) / (performance.now() - probe)));
const cpuThreads = await best(() =>
  weftRun(
    () => threadsExecutor({ max: 2, preload }),
    cpuTasks,
    () => submit(hashing, rounds),
  ),
);
const cpuInline = await best(() =>
  weftRun(
    () => undefined,
    cpuTasks,
    () => submit(hashing, rounds),
  ),
);
rows.push([
  `${cpuTasks} x ~20 ms hashing (${availableParallelism()} cores)`,
  `threads ${cpuThreads.toFixed(2)} s`,
  `inline ${cpuInline.toFixed(2)} s`,
  (cpuInline / cpuThreads).toFixed(2),
]);

printTable(['workload', 'weft', 'baseline', 'ratio'], rows);
rmSync(storeDir, { recursive: true, force: true });
