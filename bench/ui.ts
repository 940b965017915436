/**
 * @module
 * What `weft ui` costs on the server for a large run: a run of N tasks
 * (100 `load`s, each feeding N/100 - 2 `square`s gathered by a `merge`,
 * inline, recorded in SQLite) served by `startUiServer`, then the run's
 * page data over HTTP (`GET /api/runs/:id`: its tasks, at most 50,000,
 * and the cursor of its live stream) against its floor, the store's
 * `tasks()` query of as many tasks and `JSON.stringify` in this process; and the run's timeline
 * (`GET /api/runs/:id/timeline`, every attempt from the run's events).
 * Medians of 3. The browser's side (the page drawing 10,000 tasks) is
 * measured by `packages/ui/test/browser-big.test.ts`.
 *
 * Uses the built packages and page (`./scripts/bench` builds them).
 *
 *   node bench/ui.ts [--tasks 10000,100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run, submit, task } from '@weft/core';
import { openSqliteRunStore } from '@weft/core/store';
import { startUiServer } from '@weft/ui';
import { printTable } from './table.ts';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '10000,100000' } } });
const sizes = values.tasks.split(',').map(Number);

export const load = task('load', async (_ctx, i: number) => i);
export const square = task('square', async (_ctx, n: number, j: number) => n * j);
export const merge = task('merge', async (_ctx, ...xs: number[]) => xs.length);

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

async function time(f: () => unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const rows: string[][] = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-ui-'));
  const file = join(dir, 'weft.db');
  const per = Math.max(1, Math.floor(n / 100) - 2);
  await run(
    async () => {
      for (let i = 0; i < 100; i++) {
        const loaded = submit(load, i);
        const squares = [];
        for (let j = 0; j < per; j++) squares.push(submit(square, loaded, j));
        submit(merge, ...squares);
      }
    },
    { store: file, runId: 'bench', cwd: dir },
  );
  const store = openSqliteRunStore(file);
  const ui = await startUiServer({ store, port: 0, weftBin: false });
  const get = async (path: string) => {
    const r = await fetch(`${ui.origin}${path}`, {
      headers: { authorization: `Bearer ${ui.token}` },
    });
    return r.json();
  };
  const total = store.run('bench')!.counts.succeeded;
  // The page is sent the first 50,000 tasks at most: the floor reads as many.
  const sent = ((await get('/api/runs/bench')) as { tasks: unknown[] }).tasks.length;
  const floor = await time(() =>
    JSON.stringify(store.tasks('bench', { session: 'latest', limit: sent })),
  );
  const snapshot = await time(() => get('/api/runs/bench'));
  const timeline = await time(() => get('/api/runs/bench/timeline'));
  rows.push([
    total.toLocaleString('en-US'),
    sent.toLocaleString('en-US'),
    floor.toFixed(0),
    snapshot.toFixed(0),
    (snapshot / floor).toFixed(1),
    timeline.toFixed(0),
  ]);
  await ui.close();
  await store[Symbol.asyncDispose]();
  rmSync(dir, { recursive: true, force: true });
}
printTable(['tasks', 'sent', 'tasks() + JSON ms', 'GET run ms', 'ratio', 'GET timeline ms'], rows);
