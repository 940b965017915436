/**
 * @module
 * A real workflow's shape, as users run it: Montage (2,122 tasks, 6,114
 * edges; see `workflow-shape.ts`) copied 50 times side by side (106,100
 * tasks, 305,700 edges), each task returning a small real value, with zero
 * runtimes: what the engine costs on such a graph. Each case runs in a
 * fresh process, the best of `--repeat`; the cases run in turn, `--rounds`
 * times, and each keeps its best round (a noisy spell on the machine then
 * falls on every case alike, not on the one that ran during it):
 *
 * - bare: the 40-line baseline scheduler on the same graph;
 * - unrecorded: weft with `record: false`;
 * - labels: the same with a label on every task (goal: at most 20% slower);
 * - sqlite: recorded in SQLite, the default (goal: at least 0.5x unrecorded);
 * - memory: recorded in the memory store (goal: at least as fast as SQLite).
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

async function weft(s: Shape, c: Exclude<Case, 'bare'>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-shape-'));
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
  const seconds = (performance.now() - start) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return seconds;
}

async function bare(s: Shape): Promise<number> {
  const start = performance.now();
  await runBaseline(s.names.length, (i) => s.parents[i] as number[], value);
  return (performance.now() - start) / 1000;
}

if (values.case !== undefined) {
  const s = shape();
  const c = values.case as Case;
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < Number(values.repeat); r++) {
    globalThis.gc?.();
    best = Math.min(best, c === 'bare' ? await bare(s) : await weft(s, c));
  }
  process.stdout.write(JSON.stringify({ seconds: best }));
} else {
  const s = shape();
  const n = s.names.length;
  const seconds: Record<string, number> = {};
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const c of CASES) seconds[c] = Math.min(seconds[c] ?? Number.POSITIVE_INFINITY, once(c));
  }
  const rate = (c: Case) => Math.round(n / seconds[c]!).toLocaleString('en');
  const ratio = (a: Case, b: Case) => (seconds[b]! / seconds[a]!).toFixed(2);
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
    ],
  );
}

/** The best of `--repeat` timings of case `c`, in a fresh process. */
function once(c: Case): number {
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
  return (JSON.parse(out) as { seconds: number }).seconds;
}
