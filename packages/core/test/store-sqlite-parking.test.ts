/**
 * The SQLite store's writer holds back a task's first events (submitted,
 * ready, started) until the task is next touched, so that most tasks are
 * written once: what is held back still reaches the store on its own, and
 * never leaves a task in the store whose parent or dependency is missing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/events/events.js';
import type { RunInfo } from '../src/store/run-store.js';
import { openSqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-parking-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let files = 0;
const newFile = () => path.join(root, `store-${++files}.db`);

const info = (id: string): RunInfo => ({
  id,
  workflow: '/w.ts',
  mode: undefined,
  executor: 'inline',
  params: undefined,
  rerunOf: undefined,
  cwd: '/',
  host: 'h',
  pid: process.pid,
  startedAt: 1,
});

let time = 1_700_000_000_000;
function event(runId: string, taskId: number, type: string, extra: object = {}): RunEvent {
  return {
    type,
    runId,
    taskId,
    name: 'step',
    label: undefined,
    attempt: type === 'submitted' || type === 'ready' ? 0 : 1,
    time: ++time,
    ...extra,
  } as RunEvent;
}
const submitted = (runId: string, id: number, parentId = -1, deps: number[] = []) =>
  event(runId, id, 'submitted', {
    parentId,
    deps,
    ordinal: id,
    argsHash: undefined,
    requirements: undefined,
  });

describe('the sqlite writer holding tasks back', () => {
  it('writes tasks that are only submitted without a flush, within a couple of ticks', async () => {
    await using store = openSqliteRunStore(newFile(), { batchMs: 5 });
    const writer = store.openRun(info('idle'));
    for (let id = 0; id < 50; id++) writer.event(submitted('idle', id));
    // No flush: the worker's clock writes them.
    await expect
      .poll(() => store.tasks('idle', { limit: 100 }).length, { timeout: 10_000, interval: 20 })
      .toBe(50);
    expect(store.run('idle')?.counts.pending).toBe(50);
    expect(store.events('idle', { limit: 100 }).map((e) => e.seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    await writer.close('cancelled');
  });

  it('writes a task once when it is submitted, runs and ends close together', async () => {
    const file = newFile();
    await using store = openSqliteRunStore(file, { batchMs: 5 });
    const writer = store.openRun(info('once'));
    for (let id = 0; id < 200; id++) writer.event(submitted('once', id));
    // Most likely a batch of their own (whether or not, each task is written once).
    await new Promise((r) => setTimeout(r, 30));
    for (let id = 0; id < 200; id++) {
      writer.event(event('once', id, 'ready'));
      writer.event(event('once', id, 'started'));
      writer.event(event('once', id, 'succeeded'));
    }
    await writer.close('succeeded');
    // The batches table names the tasks each written batch touched: each task once.
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(file, { readOnly: true });
    const rows = db.prepare('SELECT tasks FROM batches').all() as { tasks: Uint8Array }[];
    db.close();
    const touched = rows.reduce((n, r) => n + r.tasks.byteLength / 4, 0);
    expect(touched).toBe(200);
    expect(store.tasks('once', { limit: 300 }).every((t) => t.state === 'succeeded')).toBe(true);
  });

  it('writes a held-back parent and dependency with the task that names them', async () => {
    await using store = openSqliteRunStore(newFile(), { batchMs: 5 });
    const writer = store.openRun(info('refs'));
    // Task 0 runs and submits child 2, which also depends on task 1 (waiting).
    writer.event(submitted('refs', 0));
    writer.event(event('refs', 0, 'ready'));
    writer.event(event('refs', 0, 'started'));
    writer.event(submitted('refs', 1));
    writer.event(submitted('refs', 2, 0, [1]));
    // Child 2 is cancelled: it is written at once, and so must be 0 and 1.
    writer.event(event('refs', 2, 'cancelled', { reason: 'Future.cancel()' }));
    await expect
      .poll(() => store.task('refs', 2)?.state, { timeout: 10_000, interval: 2 })
      .toBe('cancelled');
    expect(store.task('refs', 0)?.state).toBe('running');
    expect(store.task('refs', 1)?.state).toBe('pending');
    // In seq order, each before the task that names it.
    const order = store
      .events('refs', { limit: 10 })
      .map((e) => [e.type, 'taskId' in e && e.taskId]);
    expect(order.indexOf(order.find(([t, id]) => t === 'submitted' && id === 2)!)).toBeGreaterThan(
      order.findIndex(([t, id]) => t === 'started' && id === 0),
    );
    await writer.close('cancelled');
  });
});
