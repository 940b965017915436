/**
 * @module
 * Durable runs benchmark. Three measurements, each in a fresh process:
 *
 * 1. The 1,000,000-task ladder of `core.ts` with the SQLite run store on,
 *    against the same with the memory store (ratio: goal >= 0.5).
 * 2. A 100,000-task workflow of caching tasks (each hashes 256 KiB, about
 *    0.2 ms): the first run against a fully cached re-run (goal >= 10x).
 * 3. Queries on the 1M-task run (4M events): one task's events, its record,
 *    failed tasks (goal for the first: under 10 ms).
 *
 *   node bench/durable.ts [--ladder 1000000] [--cached 100000] [--repeat 2]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  acquireSqliteStore,
  type Future,
  memoryRunStore,
  resourceSet,
  run,
  sqliteRunStore,
  submit,
  task,
} from '@weft/core';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    ladder: { type: 'string', default: '1000000' },
    cached: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '2' },
    case: { type: 'string' },
    dir: { type: 'string' },
  },
});

const noop = task('noop', async (_ctx, ..._inputs: unknown[]) => {});
/** A small task: ~0.2 ms of hashing (a light real task; most tasks of real workflows take far longer). */
const work = task({ name: 'work', cache: true }, async (_ctx, i: number) => {
  const block = Buffer.alloc(16384, i & 255);
  let h = '';
  for (let k = 0; k < 16; k++) h = createHash('sha256').update(block).update(h).digest('hex');
  return h.slice(0, 8);
});

async function ladder(n: number, store: 'sqlite' | 'memory', dir: string): Promise<number> {
  const runStore =
    store === 'sqlite' ? sqliteRunStore({ path: join(dir, 'weft.db') }) : memoryRunStore();
  const start = performance.now();
  await run(
    async () => {
      let a: Future<void> | undefined;
      let b: Future<void> | undefined;
      for (let i = 0; i < n; i++) {
        const f = b ? submit(noop, a, b) : a ? submit(noop, a) : submit(noop);
        b = a;
        a = f;
      }
    },
    { resources: resourceSet({ runStore }), runId: `ladder-${store}` },
  );
  return (performance.now() - start) / 1000;
}

async function cachedWorkflow(n: number, dir: string): Promise<number> {
  const start = performance.now();
  await run(
    async () => {
      const out: Future<string>[] = [];
      for (let i = 0; i < n; i++) out.push(submit(work, i));
      return out.length;
    },
    {
      resources: resourceSet({ runStore: sqliteRunStore({ path: join(dir, 'weft.db') }) }),
      cwd: dir,
    },
  );
  return (performance.now() - start) / 1000;
}

function queries(dir: string, ladderSize: number): Record<string, number> {
  const { store, release } = acquireSqliteStore(join(dir, 'weft.db'));
  const time = (f: () => unknown): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      f();
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };
  const id = Math.min(777_777, ladderSize - 1);
  const out = {
    events: time(() => store.events('ladder-sqlite', { taskId: id })),
    task: time(() => store.task('ladder-sqlite', id)),
    failed: time(() => store.tasks('ladder-sqlite', { states: ['failed'], limit: 100 })),
    runs: time(() => store.runs({ limit: 20 })),
  };
  if (store.events('ladder-sqlite', { taskId: id }).length !== 4) {
    throw new Error('the task does not have its 4 events');
  }
  release();
  return out;
}

function child(args: string[]): unknown {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out);
}

if (values.case !== undefined) {
  const [what, arg] = values.case.split(':') as [string, string];
  const dir = values.dir!;
  let result: unknown;
  if (what === 'ladder') result = await ladder(Number(arg), 'sqlite', dir);
  else if (what === 'ladder-mem') result = await ladder(Number(arg), 'memory', dir);
  else if (what === 'cached') result = await cachedWorkflow(Number(arg), dir);
  else result = queries(dir, Number(arg));
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
} else {
  const n = Number(values.ladder);
  const m = Number(values.cached);
  const repeat = Number(values.repeat);
  const rows: string[][] = [];
  let sq = Number.POSITIVE_INFINITY;
  let mem = Number.POSITIVE_INFINITY;
  let dir = '';
  for (let r = 0; r < repeat; r++) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'weft-bench-durable-'));
    mem = Math.min(mem, child(['--case', `ladder-mem:${n}`, '--dir', dir]) as number);
    sq = Math.min(sq, child(['--case', `ladder:${n}`, '--dir', dir]) as number);
  }
  rows.push([
    `ladder ${n.toLocaleString('en')}`,
    `${fmt(n / sq)} tasks/s (sqlite)`,
    `${fmt(n / mem)} tasks/s (memory)`,
    (mem / sq).toFixed(2),
  ]);
  const q = child(['--case', `queries:${n}`, '--dir', dir]) as Record<string, number>;
  rmSync(dir, { recursive: true, force: true });
  let first = Number.POSITIVE_INFINITY;
  let again = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeat; r++) {
    const d = mkdtempSync(join(tmpdir(), 'weft-bench-cached-'));
    first = Math.min(first, child(['--case', `cached:${m}`, '--dir', d]) as number);
    again = Math.min(again, child(['--case', `cached:${m}`, '--dir', d]) as number);
    rmSync(d, { recursive: true, force: true });
  }
  rows.push([
    `cached workflow ${m.toLocaleString('en')}`,
    `${again.toFixed(2)} s (cached re-run, ${((again / m) * 1e6).toFixed(1)} µs/task)`,
    `${first.toFixed(2)} s (first run, ${((first / m) * 1e6).toFixed(1)} µs/task)`,
    (first / again).toFixed(2),
  ]);
  printTable(['case', 'weft', 'baseline', 'ratio'], rows);
  console.log('');
  printTable(
    [`query on the ${fmt(n)}-task run`, 'ms'],
    Object.entries(q).map(([k, v]) => [k, v.toFixed(2)]),
  );
}

function fmt(x: number): string {
  return Math.round(x).toLocaleString('en');
}
