/**
 * @module
 * Command tasks benchmark: N command tasks that each `touch` a file, run by
 * weft with `--jobs` at once, against GNU make `-j<jobs>` on the equivalent
 * Makefile (N targets, each `touch $@`). weft runs twice: on the inline
 * executor (every program spawned by the coordinator) and on the processes
 * executor (`--jobs` worker processes, each spawning its own programs).
 * Each weft run is a fresh process, and make runs in the same rounds.
 * Prints the wall time of each (best of `--repeat`) and the ratio to make
 * (the goal is at most 1.5). RSS is the memory of a process that spawned
 * the programs, when its run ended: on Linux each spawn forks that whole
 * process, so a spawn costs more as it grows.
 *
 *   node bench/commands.ts [--tasks 10000] [--jobs 2] [--repeat 3]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Executor, inline, processesExecutor, run, submit } from 'weft';
import { touch, workerRss } from './command-tasks.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    jobs: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '3' },
    case: { type: 'string' },
  },
});
const n = Number(values.tasks);
const jobs = Number(values.jobs);
const repeat = Number(values.repeat);
const GOAL = 1.5;

type Kind = 'inline' | 'processes';

interface Timing {
  readonly seconds: number;
  readonly rss: number;
}

/** Wall seconds of `f` on a fresh directory (set up by `prepare`, outside the timing). */
async function timed(
  f: (dir: string) => Promise<number>,
  prepare?: (dir: string) => void,
): Promise<Timing> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-commands-'));
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
      { executor: inline({ concurrency: jobs }) },
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
    { executor },
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
function weftInChild(kind: Kind): Timing {
  const out = execFileSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--case', kind, '--tasks', String(n), '--jobs', String(jobs)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out) as Timing;
}

if (values.case !== undefined) {
  // A child: one weft run, its timing as JSON on stdout.
  const kind = values.case as Kind;
  process.stdout.write(JSON.stringify(await timed((dir) => weftRun(kind, dir))));
} else {
  const best: Record<Kind | 'make', Timing> = {
    make: { seconds: Number.POSITIVE_INFINITY, rss: 0 },
    inline: { seconds: Number.POSITIVE_INFINITY, rss: 0 },
    processes: { seconds: Number.POSITIVE_INFINITY, rss: 0 },
  };
  const keep = (key: Kind | 'make', t: Timing): void => {
    if (t.seconds < best[key].seconds) best[key] = t;
  };
  for (let r = 0; r < repeat; r++) {
    keep('make', await timed(makeRun, writeMakefile));
    keep('inline', weftInChild('inline'));
    keep('processes', weftInChild('processes'));
  }
  const rate = (t: Timing) => Math.round(n / t.seconds).toLocaleString('en');
  const row = (label: string, t: Timing): string[] => {
    const ratio = t.seconds / best.make.seconds;
    return [
      label,
      t.seconds.toFixed(2),
      rate(t),
      ratio.toFixed(2),
      `<= ${GOAL} ${ratio <= GOAL ? 'met' : 'missed'}`,
      `${Math.round(t.rss / 2 ** 20)} MB`,
    ];
  };
  console.log(`${n.toLocaleString('en')} command tasks (touch), ${jobs} at once`);
  printTable(
    ['runner', 'wall s', 'tasks/s', 'vs make', 'goal', 'spawner RSS'],
    [
      [`make -j${jobs}`, best.make.seconds.toFixed(2), rate(best.make), '1.00', '', ''],
      row(`weft inline (concurrency ${jobs})`, best.inline),
      row(`weft processes (max ${jobs})`, best.processes),
    ],
  );
}
