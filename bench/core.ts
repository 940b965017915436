/**
 * @module
 * Core scheduler benchmark: weft's in-process scheduler against the plain
 * baseline in `baseline-scheduler.ts`, on the same graphs of no-op tasks: a
 * fan-out (independent tasks) and a ladder (each task depends on the two
 * before it). Prints tasks/s for each, the ratio weft / baseline, and the
 * memory per task measured when the last task runs. Each graph runs in a
 * fresh process (weft and the baseline alternating in it).
 *
 *   node --expose-gc bench/core.ts [--sizes 100000,1000000] [--repeat 3]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Future, run, submit, task } from '@weft/core';
import { runBaseline } from './baseline-scheduler.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    repeat: { type: 'string', default: '3' },
    case: { type: 'string' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const repeat = Number(values.repeat);

let memAtEnd = 0;
const noop = async (): Promise<void> => {};
const sample = async (): Promise<void> => {
  memAtEnd = process.memoryUsage().rss;
};
const weftNoop = task('noop', (_ctx, ..._inputs: unknown[]) => noop());
const weftSample = task('sample', (_ctx, ..._inputs: unknown[]) => sample());

type Shape = 'fan-out' | 'ladder';
const depsOf = (shape: Shape) => (i: number) =>
  shape === 'fan-out' || i === 0 ? [] : i === 1 ? [0] : [i - 1, i - 2];

async function weftRun(shape: Shape, n: number): Promise<void> {
  // The scheduler alone: bench/durable.ts measures the run store's cost.
  await run(
    async () => {
      let a: Future<void> | undefined;
      let b: Future<void> | undefined;
      for (let i = 0; i < n; i++) {
        const t = i === n - 1 ? weftSample : weftNoop;
        const f =
          shape === 'fan-out' ? submit(t) : b ? submit(t, a, b) : a ? submit(t, a) : submit(t);
        b = a;
        a = f;
      }
    },
    { record: false },
  );
}

function baselineRun(shape: Shape, n: number): Promise<void> {
  const deps = depsOf(shape);
  return runBaseline(n, deps, () => noop()).then(() => sample());
}

async function measure(f: () => Promise<void>): Promise<{ seconds: number; rss: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const start = performance.now();
  await f();
  const seconds = (performance.now() - start) / 1000;
  return { seconds, rss: memAtEnd - before };
}

interface CaseResult {
  weft: number;
  base: number;
  weftMem: number;
  baseMem: number;
}

/** One graph, weft and the baseline alternating in this process; the best of `repeat` each. */
async function runCase(shape: Shape, n: number): Promise<CaseResult> {
  let best: CaseResult = {
    weft: Number.POSITIVE_INFINITY,
    base: Number.POSITIVE_INFINITY,
    weftMem: 0,
    baseMem: 0,
  };
  for (let r = 0; r < repeat; r++) {
    const b = await measure(() => baselineRun(shape, n));
    const w = await measure(() => weftRun(shape, n));
    if (w.seconds < best.weft) best = { ...best, weft: w.seconds, weftMem: w.rss };
    if (b.seconds < best.base) best = { ...best, base: b.seconds, baseMem: b.rss };
  }
  return best;
}

if (values.case !== undefined) {
  // A child: one case, its result as JSON on stdout.
  const [shape, n] = values.case.split(':') as [Shape, string];
  process.stdout.write(JSON.stringify(await runCase(shape, Number(n))));
} else {
  // Each case in a fresh process, so that one case's heap does not weigh on the next.
  const rows: string[][] = [];
  for (const n of sizes) {
    for (const shape of ['fan-out', 'ladder'] as const) {
      const out = execFileSync(
        process.execPath,
        [
          '--expose-gc',
          fileURLToPath(import.meta.url),
          '--case',
          `${shape}:${n}`,
          '--repeat',
          String(repeat),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const best = JSON.parse(out) as CaseResult;
      rows.push([
        `${shape} ${n.toLocaleString('en')}`,
        fmt(n / best.weft),
        fmt(n / best.base),
        (best.base / best.weft).toFixed(2),
        `${Math.max(0, best.weftMem / n).toFixed(0)} B`,
        `${Math.max(0, best.baseMem / n).toFixed(0)} B`,
      ]);
    }
  }
  printTable(
    ['graph', 'weft tasks/s', 'baseline tasks/s', 'ratio', 'weft RSS/task', 'baseline RSS/task'],
    rows,
  );
}

function fmt(x: number): string {
  return Math.round(x).toLocaleString('en');
}
