import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runRunStoreContract } from '@weft/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/events/events.js';
import { createMemoryRunStore } from '../src/store/memory-run-store.js';
import type { RunInfo, RunStore, StoredEvent, TaskRecord } from '../src/store/run-store.js';
import { SCHEMA_VERSION } from '../src/store/sqlite/schema.js';
import { openSqliteRunStore, SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { expectWrittenOrder } from './written-order.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-store-sqlite-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let files = 0;
const newFile = () => path.join(root, `db-${++files}`, 'weft.db');
const storeModule = pathToFileURL(
  fileURLToPath(new URL('../src/store/sqlite/sqlite-run-store.ts', import.meta.url)),
).href;

runRunStoreContract({
  name: 'sqlite',
  create: () => openSqliteRunStore(newFile()),
  reopen: (store: RunStore) => openSqliteRunStore(store.location),
});

const info = (id: string): RunInfo => ({
  id,
  workflow: '/w.ts',
  mode: undefined,
  executor: 'inline',
  params: undefined,
  rerunOf: undefined,
  cwd: '/',
  host: 'h',
  pid: 1,
  startedAt: 1_700_000_000_000,
});

/**
 * The events of a run of `count` tasks (and which results go after which
 * event), as plain JS source: the crash test's child and the test share it.
 */
const GENERATE = `function generate(runId, count) {
  const out = [];
  let time = 1700000000000;
  for (let i = 0; i < count; i++) {
    const base = (type, attempt) => ({ type, runId, taskId: i, name: 'step' + (i % 5),
      label: i % 7 === 0 ? 'label ' + i : undefined, attempt, time: ++time });
    out.push({ ...base('submitted', 0), parentId: -1, deps: i > 0 ? [i - 1] : [], ordinal: i,
      argsHash: 'h' + i, requirements: i % 2 ? { cpus: 1 } : undefined });
    out.push(base('ready', 0));
    out.push({ ...base('started', 1), worker: 'w' + (i % 4) });
    if (i % 10 === 0) out.push({ type: 'log', runId, taskId: i, attempt: 1, level: 'info',
      message: 'task ' + i, fields: { i }, time: ++time });
    if (i % 3 === 0) out.push(base('succeeded', 1), { result: i });
    else if (i % 3 === 1) out.push({ ...base('failed', 1), error: { name: 'Error', message: 'no ' + i } });
  }
  return out;
}`;
type Item = RunEvent | { result: number };
const generate = new Function(`${GENERATE}; return generate;`)() as (
  runId: string,
  count: number,
) => Item[];
const isEvent = (x: Item): x is RunEvent => !('result' in x);

function allEvents(store: RunStore, runId: string): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (;;) {
    const page = store.events(runId, { afterSeq: out.at(-1)?.seq ?? 0, limit: 997 });
    if (page.length === 0) return out;
    out.push(...page);
  }
}

/** Each task's record as the memory store folds the same events (results aside). */
async function foldedByMemory(runId: string, events: readonly StoredEvent[]) {
  await using memory = createMemoryRunStore();
  const writer = memory.openRun(info(runId));
  for (const { seq: _seq, ...e } of events) writer.event(e as RunEvent);
  return memory.tasks(runId, { limit: Number.MAX_SAFE_INTEGER }).map(withoutResult);
}
const withoutResult = ({ hasResult: _h, cacheKey: _c, ...rest }: TaskRecord) => rest;

function childScript(body: string): string {
  const file = path.join(root, `child-${++files}.mjs`);
  fs.writeFileSync(
    file,
    `import { openSqliteRunStore } from ${JSON.stringify(storeModule)};\n${GENERATE}\n${body}`,
  );
  return file;
}

describe('sqlite run store', () => {
  it('is a SqliteRunStore at its absolute path, with the current schema', async () => {
    const file = newFile();
    await using store = openSqliteRunStore(file);
    expect(store).toBeInstanceOf(SqliteRunStore);
    expect(store.location).toBe(path.resolve(file));
    const db = new DatabaseSync(file);
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    db.close();
  });

  it('keeps everything across close and reopen', async () => {
    const file = newFile();
    const items = generate('kept', 3000);
    let before: { tasks: TaskRecord[]; events: StoredEvent[] };
    {
      await using store = openSqliteRunStore(file);
      const writer = store.openRun(info('kept'));
      for (const x of items) {
        if (isEvent(x)) writer.event(x);
        else
          writer.result(
            x.result,
            { kind: 'inline', bytes: new Uint8Array([x.result % 256]) },
            `k${x.result}`,
          );
      }
      await writer.close('failed');
      before = { tasks: store.tasks('kept', { limit: 5000 }), events: allEvents(store, 'kept') };
    }
    await using again = openSqliteRunStore(file);
    expect(again.run('kept')).toMatchObject({ state: 'failed', sessions: 1 });
    expect(again.tasks('kept', { limit: 5000 })).toEqual(before.tasks);
    expect(before.tasks).toHaveLength(3000);
    const events = allEvents(again, 'kept');
    expect(events).toEqual(before.events);
    expectWrittenOrder(events, items.filter(isEvent));
    expect(again.result('kept', 2997)).toEqual({
      kind: 'inline',
      bytes: new Uint8Array([2997 % 256]),
    });
    expect(again.findCached('k42')?.taskId).toBe(42);
  });

  it('reads each task and the whole run back the same way over many batches', async () => {
    await using store = openSqliteRunStore(newFile(), { batchMs: 1 });
    const writer = store.openRun(info('many'));
    const items = generate('many', 20_000).filter(isEvent);
    for (let i = 0; i < items.length; i++) {
      writer.event(items[i]!);
      if (i % 15_000 === 0) await writer.flush();
    }
    await writer.close('failed');
    const events = allEvents(store, 'many');
    expectWrittenOrder(events, items);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const id of [0, 1, 2, 4999, 19_999]) {
      expect(store.events('many', { taskId: id })).toEqual(
        events.filter((e) => 'taskId' in e && e.taskId === id),
      );
    }
    expect(store.tasks('many', { limit: 100_000 }).map(withoutResult)).toEqual(
      await foldedByMemory('many', events),
    );
    const failed = store.tasks('many', { states: ['failed'], limit: 3, offset: 2 });
    expect(failed.map((t) => t.id)).toEqual([7, 10, 13]);
  });

  it('refuses a database newer than the code, naming the file and both versions', async () => {
    const file = newFile();
    await openSqliteRunStore(file)[Symbol.asyncDispose]();
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 98}`);
    db.close();
    let error: unknown;
    try {
      openSqliteRunStore(file);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'WEFT_STORE_TOO_NEW',
      message:
        `the run store ${path.resolve(file)} has schema version ${SCHEMA_VERSION + 98}, newer than ` +
        `this weft supports (${SCHEMA_VERSION}); upgrade weft, or use another store file`,
    });
  });

  it('refuses a file that is not a database, and paths that are not files', () => {
    const file = newFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      'this is not a database, just some text that is long enough to matter'.repeat(20),
    );
    expect(() => openSqliteRunStore(file)).toThrow(
      `could not open the run store ${file}: file is not a database`,
    );
    expect(() => openSqliteRunStore(':memory:')).toThrow(
      'a SQLite run store needs a file path, not ":memory:" (for a store in memory, use createMemoryRunStore())',
    );
    expect(() => openSqliteRunStore(newFile(), { busyTimeoutMs: -1 })).toThrow(
      'busyTimeoutMs must be an integer of at least 0, not -1',
    );
  });

  it('refuses malformed events at once, and keeps the batch intact', async () => {
    await using store = openSqliteRunStore(newFile());
    const writer = store.openRun(info('bad'));
    const [submitted, ready] = generate('bad', 1).filter(isEvent);
    expect(() => writer.event({ ...submitted!, taskId: 1.5 } as RunEvent)).toThrow(
      'a task id must be an integer from 0 to 67108863, not 1.5',
    );
    expect(() => writer.event({ ...submitted!, deps: [Number.NaN] } as RunEvent)).toThrow(
      'a dep must be a 32-bit integer, not NaN',
    );
    expect(() => writer.event({ ...ready!, type: 'done' } as unknown as RunEvent)).toThrow(
      'unknown event type "done"',
    );
    writer.event(submitted!);
    writer.event(ready!);
    await writer.close('succeeded');
    expect(store.events('bad').map((e) => e.type)).toEqual(['submitted', 'ready']);
  });

  it('reports a failed write with the file and the SQLite message, and refuses later events', async () => {
    const file = newFile();
    await using store = openSqliteRunStore(file, { busyTimeoutMs: 20 });
    const writer = store.openRun(info('locked'));
    const [a, b, c] = generate('locked', 1).filter(isEvent);
    writer.event(a!);
    await writer.flush();
    const locker = new DatabaseSync(file);
    locker.exec('BEGIN IMMEDIATE');
    writer.event(b!);
    const message = `writing run locked to ${path.resolve(file)} failed: database is locked`;
    await expect(writer.flush()).rejects.toMatchObject({
      code: 'WEFT_STORE_WRITE_FAILED',
      message,
    });
    expect(() => writer.event(c!)).toThrow(message);
    locker.exec('ROLLBACK');
    locker.close();
    await expect(writer.close('failed')).rejects.toThrow(message);
    // What was written before stays.
    expect(store.events('locked').map((e) => e.type)).toEqual(['submitted']);
    expect(store.run('locked')?.state).toBe('running');
  });

  it('does not keep a process alive with a writer never closed, and writes what it queued', async () => {
    const file = newFile();
    const child = childScript(`
      const store = openSqliteRunStore(process.argv[2]);
      const writer = store.openRun({ id: 'open', workflow: undefined, mode: undefined, executor: 'inline',
        params: undefined, rerunOf: undefined, cwd: '/', host: 'h', pid: process.pid, startedAt: 1 });
      for (const x of generate('open', 2000)) if (!('result' in x)) writer.event(x);
    `);
    const out = spawnSync(process.execPath, [child, file], { encoding: 'utf8', timeout: 15_000 });
    expect(out.error).toBeUndefined();
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    await using store = openSqliteRunStore(file);
    expect(store.run('open')?.state).toBe('running');
    expect(allEvents(store, 'open').length).toBe(generate('open', 2000).filter(isEvent).length);
  });

  it('after a crash mid-run, keeps a consistent prefix, and a resume interrupts what was unfinished', async () => {
    const file = newFile();
    const child = childScript(`
      setInterval(() => {}, 60_000); // alive until killed
      const store = openSqliteRunStore(process.argv[2], { batchMs: 2 });
      const writer = store.openRun({ id: 'crash', workflow: undefined, mode: undefined, executor: 'inline',
        params: undefined, rerunOf: undefined, cwd: '/', host: 'h', pid: process.pid, startedAt: 1 });
      const items = generate('crash', 40000);
      const write = (x) => 'result' in x
        ? writer.result(x.result, { kind: 'inline', bytes: new Uint8Array([x.result % 256, 7]) }, 'k' + x.result)
        : writer.event(x);
      let i = 0;
      for (let round = 0; round < 5; round++) {
        for (const end = i + 3000; i < end; i++) write(items[i]);
        await writer.flush();
        process.stdout.write('flushed ' + round + '\\n');
      }
      // Then everything else at once: the worker is busy with it when the kill comes.
      for (; i < items.length; i++) write(items[i]);
      process.stdout.write('posted\\n');
      await writer.flush();
    `);
    const proc = spawn(process.execPath, [child, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      proc.once('exit', (_code, signal) => resolve(signal)),
    );
    proc.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      if (output.includes('posted')) proc.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');

    await using store = openSqliteRunStore(file);
    expect(store.run('crash')).toMatchObject({ state: 'running', sessions: 1 });
    const items = generate('crash', 40_000);
    const written = items.filter(isEvent);
    const events = allEvents(store, 'crash');
    // What was written, each task's a prefix, numbered without gaps; at least what was flushed.
    expect(events.length).toBeGreaterThanOrEqual(items.slice(0, 15_000).filter(isEvent).length);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expectWrittenOrder(events, written, true);
    // Every task's record is the fold of its stored events; counts agree.
    const tasks = store.tasks('crash', { limit: 100_000 });
    expect(tasks.map(withoutResult)).toEqual(await foldedByMemory('crash', events));
    const counts: Record<string, number> = {};
    for (const t of tasks) counts[t.state] = (counts[t.state] ?? 0) + 1;
    expect(store.run('crash')?.counts).toEqual({ ...store.run('crash')?.counts, ...counts });
    expect(Object.values(store.run('crash')!.counts).reduce((a, b) => a + b)).toBe(tasks.length);
    for (const t of tasks.filter((t) => t.hasResult)) {
      expect(t.state).toBe('succeeded');
      expect(store.result('crash', t.id)).toEqual({
        kind: 'inline',
        bytes: new Uint8Array([t.id % 256, 7]),
      });
    }
    const unfinished = tasks.filter((t) => ['pending', 'ready', 'running'].includes(t.state));
    expect(unfinished.length).toBeGreaterThan(0);

    // A resume: session 2, the unfinished tasks interrupted.
    const writer = store.openRun({ ...info('crash'), pid: 2 });
    expect(writer.session).toBe(2);
    const run = store.run('crash')!;
    expect(run).toMatchObject({ state: 'running', sessions: 2 });
    expect(run.counts).toMatchObject({ pending: 0, ready: 0, running: 0 });
    // The new session counts its own tasks only (none yet), from the task after the last.
    expect(Object.values(run.counts).every((n) => n === 0)).toBe(true);
    expect(run.sessionFirstTask).toBe(tasks.at(-1)!.id + 1);
    const added = store.events('crash', { afterSeq: events.length, limit: 100_000 });
    expect(added.map((e) => e.seq)).toEqual(added.map((_, i) => events.length + 1 + i));
    expect(added.map((e) => ('taskId' in e ? e.taskId : -2))).toEqual(unfinished.map((t) => t.id));
    expect(added.every((e) => e.type === 'cancelled' && e.reason === 'interrupted')).toBe(true);
    for (const t of unfinished) {
      expect(store.task('crash', t.id)).toMatchObject({ state: 'cancelled', attempts: t.attempts });
    }
    await writer.close('cancelled');
    expect(store.run('crash')).toMatchObject({ state: 'cancelled', sessions: 2 });
  });
});
