/**
 * @module
 * A real workflow's shape, as users run it: Montage (2,122 tasks, 6,114
 * edges; see `workflow-shape.ts`) copied 50 times side by side (106,100
 * tasks, 305,700 edges), each task returning a small real value, with zero
 * runtimes: what the engine costs on such a graph. Each case runs in a
 * fresh process, the best of `--repeat`; the cases run in turn, `--rounds`
 * times, and each keeps its best round (a noisy spell on the machine then
 * falls on every case alike, not on the one that ran during it). The
 * recorded repeats of a process use one store file, as a project's runs
 * share its `.weft/weft.db`: a later run finds the store open, its writer
 * warmed up as the main thread is. The first run of each process, with
 * everything cold (a `weft run`), is reported too:
 *
 * - bare: the 40-line baseline scheduler on the same graph;
 * - unrecorded: weft with `record: false`;
 * - labels: the same with a label on every task (goal: at most 20% slower);
 * - sqlite: recorded in SQLite, the default (goal: at least 0.5x unrecorded);
 * - memory: recorded in the memory store (goal: at least as fast as SQLite);
 * - first runs: sqlite against unrecorded, each the first run of its process.
 *
 *   node bench/shape.ts [--copies 50] [--repeat 2] [--rounds 2] [--instance path/to/wfformat.json]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Future,
  memoryRunStore,
  resourceSet,
  run,
  sqliteRunStore,
  submit,
  task,
} from '@weft/core';
import { runBaseline } from './baseline-scheduler.ts';
import { printTable } from './table.ts';
import { edgeCount, fromInstance, montage, replicate, type Shape } from './workflow-shape.ts';

const { values } = parseArgs({
  options: {
    copies: { type: 'string', default: '50' },
    repeat: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    instance: { type: 'string' },
    case: { type: 'string' },
  },
});

type Case = 'bare' | 'unrecorded' | 'labels' | 'sqlite' | 'memory';
const CASES: readonly Case[] = ['bare', 'unrecorded', 'labels', 'sqlite', 'memory'];

function shape(): Shape {
  const one = values.instance === undefined ? montage() : fromInstance(values.instance);
  return replicate(one, Number(values.copies));
}

/** What a task of the benchmark returns: a small value, as real tasks return. */
const step = task('step', (_ctx, ..._inputs: unknown[]) => ({ file: 'out.fits', bytes: 4096 }));
const value = async () => ({ file: 'out.fits', bytes: 4096 });

/** Case `c` once; `dir` holds the store file, one per process as a project has one. */
async function weft(s: Shape, c: Exclude<Case, 'bare'>, dir: string): Promise<number> {
  const runStore =
    c === 'memory' ? memoryRunStore() : sqliteRunStore({ path: join(dir, 'weft.db') });
  const start = performance.now();
  await run(
    async () => {
      const futures: Future<unknown>[] = [];
      for (let i = 0; i < s.names.length; i++) {
        const t = c === 'labels' ? step.with({ label: `${s.names[i]}-${i}` }) : step;
        futures.push(submit(t, ...s.parents[i]!.map((p) => futures[p]!)));
      }
    },
    c === 'unrecorded' || c === 'labels'
      ? { record: false }
      : { resources: resourceSet({ runStore }) },
  );
  return (performance.now() - start) / 1000;
}

async function bare(s: Shape): Promise<number> {
  const start = performance.now();
  await runBaseline(s.names.length, (i) => s.parents[i] as number[], value);
  return (performance.now() - start) / 1000;
}

if (values.case !== undefined) {
  const s = shape();
  const c = values.case as Case;
  const dir = mkdtempSync(join(tmpdir(), 'weft-shape-'));
  const times: number[] = [];
  for (let r = 0; r < Number(values.repeat); r++) {
    globalThis.gc?.();
    times.push(c === 'bare' ? await bare(s) : await weft(s, c, dir));
  }
  rmSync(dir, { recursive: true, force: true });
  const out: Timing = { seconds: Math.min(...times), first: times[0]! };
  process.stdout.write(JSON.stringify(out));
} else {
  const s = shape();
  const n = s.names.length;
  const seconds: Record<string, number> = {};
  const first: Record<string, number> = {};
  const best = (to: Record<string, number>, c: string, x: number) => {
    to[c] = Math.min(to[c] ?? Number.POSITIVE_INFINITY, x);
  };
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const c of CASES) {
      const t = once(c);
      best(seconds, c, t.seconds);
      best(first, c, t.first);
    }
  }
  const rate = (c: Case, of = seconds) => Math.round(n / of[c]!).toLocaleString('en');
  const ratio = (a: Case, b: Case, of = seconds) => (of[b]! / of[a]!).toFixed(2);
  process.stdout.write(
    `${n.toLocaleString('en')} tasks, ${edgeCount(s).toLocaleString('en')} edges (${values.instance ?? 'Montage shape'} x ${values.copies})\n`,
  );
  printTable(
    ['case', 'tasks/s', 'against', 'ratio', 'goal'],
    [
      ['unrecorded', rate('unrecorded'), 'bare scheduler', ratio('unrecorded', 'bare'), ''],
      ['labels', rate('labels'), 'unrecorded', ratio('labels', 'unrecorded'), '>= 0.80'],
      ['sqlite (default)', rate('sqlite'), 'unrecorded', ratio('sqlite', 'unrecorded'), '>= 0.50'],
      ['memory store', rate('memory'), 'sqlite', ratio('memory', 'sqlite'), '>= 1.00'],
      [
        'sqlite, first run',
        rate('sqlite', first),
        'unrecorded, first run',
        ratio('sqlite', 'unrecorded', first),
        '>= 0.50',
      ],
    ],
  );
}

/** The timings of a case's process: the best of its repeats, and its first run. */
interface Timing {
  readonly seconds: number;
  readonly first: number;
}

/** The timings of `--repeat` runs of case `c`, in a fresh process. */
function once(c: Case): Timing {
  const args = [
    '--expose-gc',
    fileURLToPath(import.meta.url),
    '--case',
    c,
    '--copies',
    values.copies,
    '--repeat',
    values.repeat,
    ...(values.instance === undefined ? [] : ['--instance', values.instance]),
  ];
  const out = execFileSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as Timing;
}
