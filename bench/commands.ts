/**
 * @module
 * Command tasks benchmark: N command tasks that each `touch` a file, run by
 * weft with `--jobs` at once, against GNU make `-j<jobs>` on the equivalent
 * Makefile (N targets, each `touch $@`). weft runs on the inline executor
 * (the coordinator runs every task) and on the processes executor (`--jobs`
 * worker processes), each with its programs started by spawn servers (the
 * default) and, to compare, spawned directly (`WEFT_SPAWN_SERVERS=0`).
 * Each weft run is a fresh process, and make runs in the same rounds.
 * Prints the wall time of each (best of `--repeat`) and the ratio to make
 * (the goal is at most 1.5). RSS is the memory of the process that ran the
 * tasks, when its run ended: on Linux each direct spawn forks that whole
 * process, so it costs more as the process grows; a spawn server forks
 * only itself (about 60 MB).
 *
 * The files go to a fresh directory under `--dir` (default: the OS's
 * temporary directory), removed after each run. On ext4, creating files
 * soon after many were deleted costs more (the kernel's `recently_deleted`
 * tops a profile of `touch` then), which slows every runner's `touch` by
 * an amount that drifts from run to run; `--dir /dev/shm` (tmpfs) leaves
 * mostly the cost of starting programs.
 *
 *   node bench/commands.ts [--tasks 10000] [--jobs 2] [--repeat 3] [--dir /tmp]
 *     [--runners inline,inline-direct,processes,processes-direct]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Executor, inline, processesExecutor, run, submit } from '@weft/core';
import { touch, workerRss } from './command-tasks.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    jobs: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '3' },
    dir: { type: 'string', default: tmpdir() },
    runners: { type: 'string', default: 'inline,inline-direct,processes,processes-direct' },
    case: { type: 'string' },
  },
});
const n = Number(values.tasks);
const jobs = Number(values.jobs);
const repeat = Number(values.repeat);
const GOAL = 1.5;

type Kind = 'inline' | 'processes';

/** The weft runners: an executor, with spawn servers or direct spawn. */
const RUNNERS: Record<string, { kind: Kind; direct: boolean; label: string }> = {
  inline: { kind: 'inline', direct: false, label: `weft inline (concurrency ${jobs})` },
  'inline-direct': { kind: 'inline', direct: true, label: '  same, direct spawn' },
  processes: { kind: 'processes', direct: false, label: `weft processes (max ${jobs})` },
  'processes-direct': { kind: 'processes', direct: true, label: '  same, direct spawn' },
};
const runners = values.runners.split(',');
for (const r of runners) {
  if (RUNNERS[r] === undefined)
    throw new Error(`unknown runner ${r}; the runners are ${Object.keys(RUNNERS).join(', ')}`);
}

interface Timing {
  readonly seconds: number;
  readonly rss: number;
}

/** Wall seconds of `f` on a fresh directory (set up by `prepare`, outside the timing). */
async function timed(
  f: (dir: string) => Promise<number>,
  prepare?: (dir: string) => void,
): Promise<Timing> {
  const dir = mkdtempSync(join(values.dir, 'weft-bench-commands-'));
  try {
    prepare?.(dir);
    const start = performance.now();
    const rss = await f(dir);
    return { seconds: (performance.now() - start) / 1000, rss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the N tasks; returns the RSS of a process that spawned the programs. */
async function weftRun(kind: Kind, dir: string): Promise<number> {
  if (kind === 'inline') {
    await run(
      async () => {
        for (let i = 0; i < n; i++) submit(touch, join(dir, `f${i}`));
      },
      { executor: inline({ concurrency: jobs }), store: join(dir, 'weft.db') },
    );
    return process.memoryUsage().rss;
  }
  await using executor: Executor = processesExecutor({ max: jobs });
  // Awaited here: the executor is disposed when this function returns.
  return await run(
    async () => {
      const touched = [];
      for (let i = 0; i < n; i++) touched.push(submit(touch, join(dir, `f${i}`)));
      await Promise.all(touched);
      return submit(workerRss);
    },
    { executor, store: join(dir, 'weft.db') },
  );
}

function writeMakefile(dir: string): void {
  const targets = Array.from({ length: n }, (_, i) => `f${i}`);
  const rules = targets.map((t) => `${t}:\n\ttouch $@\n`).join('');
  writeFileSync(join(dir, 'Makefile'), `all: ${targets.join(' ')}\n.PHONY: all\n${rules}`);
}

function makeRun(dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const make = spawn('make', ['-s', `-j${jobs}`], { cwd: dir, stdio: 'inherit' });
    make.on('error', (error) => reject(new Error(`cannot run GNU make: ${error.message}`)));
    make.on('close', (code) =>
      code === 0 ? resolve(0) : reject(new Error(`make exited with code ${code}`)),
    );
  });
}

/** One weft run in a fresh process, so that no run's heap weighs on the next. */
function weftInChild(runner: string): Timing {
  const { kind, direct } = RUNNERS[runner]!;
  const args = ['--case', kind, '--tasks', String(n), '--jobs', String(jobs), '--dir', values.dir];
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: direct ? { ...process.env, WEFT_SPAWN_SERVERS: '0' } : process.env,
  });
  return JSON.parse(out) as Timing;
}

if (values.case !== undefined) {
  // A child: one weft run, its timing as JSON on stdout.
  const kind = values.case as Kind;
  process.stdout.write(JSON.stringify(await timed((dir) => weftRun(kind, dir))));
} else {
  const none: Timing = { seconds: Number.POSITIVE_INFINITY, rss: 0 };
  const best = new Map<string, Timing>([['make', none], ...runners.map((r) => [r, none] as const)]);
  const keep = (key: string, t: Timing): void => {
    if (t.seconds < best.get(key)!.seconds) best.set(key, t);
  };
  for (let r = 0; r < repeat; r++) {
    keep('make', await timed(makeRun, writeMakefile));
    for (const runner of runners) keep(runner, weftInChild(runner));
  }
  const make = best.get('make')!;
  const rate = (t: Timing) => Math.round(n / t.seconds).toLocaleString('en');
  const row = (runner: string): string[] => {
    const t = best.get(runner)!;
    const ratio = t.seconds / make.seconds;
    return [
      RUNNERS[runner]!.label,
      t.seconds.toFixed(2),
      rate(t),
      ratio.toFixed(2),
      `<= ${GOAL} ${ratio <= GOAL ? 'met' : 'missed'}`,
      `${Math.round(t.rss / 2 ** 20)} MB`,
    ];
  };
  console.log(`${n.toLocaleString('en')} command tasks (touch), ${jobs} at once, in ${values.dir}`);
  printTable(
    ['runner', 'wall s', 'tasks/s', 'vs make', 'goal', 'RSS'],
    [[`make -j${jobs}`, make.seconds.toFixed(2), rate(make), '1.00', '', ''], ...runners.map(row)],
  );
}
