/**
 * A database of schema version 1 opens with the current code, is migrated,
 * and reads as it did: its runs as one session each, a run left running by
 * a process that is gone as interrupted, active until its last batch.
 * The version-1 database is made by the first migration alone; its runs are
 * recorded by copying rows the current writer wrote (the tasks, logs,
 * run_events and batches tables are as version 1 left them; of `runs`,
 * only version 1's columns are copied).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/events/events.js';
import type { RunInfo, RunStore } from '../src/store/run-store.js';
import { createDatabaseAtVersion, SCHEMA_VERSION } from '../src/store/sqlite/schema.js';
import { openSqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-store-migration-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const V1_RUN_COLUMNS = `key, id, workflow, mode, executor, params, rerun_of, cwd, host, pid,
  started_at, state, ended_at, sessions, cancel_requested, last_seq, counts`;

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

function info(id: string, over: Partial<RunInfo> = {}): RunInfo {
  return {
    id,
    workflow: '/w.ts',
    mode: 'dev',
    executor: 'inline',
    params: { n: 1 },
    rerunOf: undefined,
    cwd: '/',
    host: 'h',
    pid: 1,
    startedAt: Date.now() - 10_000,
    ...over,
  };
}

/** A task's events: submitted, ready, started, then succeeded (or nothing more). */
function taskEvents(runId: string, id: number, time: { t: number }, done: boolean): RunEvent[] {
  const base = { runId, taskId: id, name: `step${id % 2}`, label: undefined };
  const out: RunEvent[] = [
    {
      ...base,
      type: 'submitted',
      attempt: 0,
      time: ++time.t,
      parentId: -1,
      deps: id > 0 ? [id - 1] : [],
      ordinal: id,
      argsHash: `a${id}`,
      requirements: undefined,
    },
    { ...base, type: 'ready', attempt: 0, time: ++time.t },
    { ...base, type: 'started', attempt: 1, time: ++time.t, worker: 'w1' },
  ];
  if (done) out.push({ ...base, type: 'succeeded', attempt: 1, time: ++time.t });
  return out;
}

function snapshot(store: RunStore, runId: string) {
  return {
    tasks: store.tasks(runId, { limit: 1000 }),
    events: store.events(runId, { limit: 10_000 }),
    result: store.result(runId, 0),
  };
}

describe('migrating a version-1 database', () => {
  it('opens, migrates and reads its runs as version 1 recorded them', async () => {
    const source = path.join(root, 'source', 'weft.db');
    const pid = await deadPid();
    const lastLog = { t: 0 };
    const before: Record<string, ReturnType<typeof snapshot>> = {};
    const recorded: Record<string, unknown> = {};
    {
      await using store = openSqliteRunStore(source, { batchMs: 1 });
      const done = info('done');
      const w = store.openRun(done);
      const time = { t: done.startedAt };
      for (let id = 0; id < 30; id++)
        for (const e of taskEvents('done', id, time, id < 25)) w.event(e);
      w.result(0, { kind: 'inline', bytes: new Uint8Array([4, 2]) }, 'k0');
      await w.close('failed');
      // Left running by a process that is gone; its last batch ends with a log.
      const left = info('left', { host: os.hostname(), pid });
      const l = store.openRun(left);
      const lt = { t: left.startedAt };
      for (let id = 0; id < 5; id++) for (const e of taskEvents('left', id, lt, id < 3)) l.event(e);
      await l.flush();
      l.event({
        type: 'log',
        runId: 'left',
        taskId: 4,
        attempt: 1,
        level: 'info',
        message: 'last words',
        fields: undefined,
        time: ++lt.t,
      });
      lastLog.t = lt.t;
      await l.flush();
      for (const id of ['done', 'left']) {
        before[id] = snapshot(store, id);
        recorded[id] = store.run(id);
      }
    }

    const file = path.join(root, 'v1', 'weft.db');
    createDatabaseAtVersion(file, 1);
    const db = new DatabaseSync(file);
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: 1 });
    const columns = (db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(columns).not.toContain('executor_config');
    db.exec(`ATTACH DATABASE '${source.replaceAll("'", "''")}' AS src`);
    db.exec(`
      INSERT INTO runs (${V1_RUN_COLUMNS}) SELECT ${V1_RUN_COLUMNS} FROM src.runs;
      INSERT INTO tasks SELECT * FROM src.tasks;
      INSERT INTO logs SELECT * FROM src.logs;
      INSERT INTO run_events SELECT * FROM src.run_events;
      INSERT INTO batches SELECT * FROM src.batches;
    `);
    db.exec('DETACH DATABASE src');
    db.close();

    await using store = openSqliteRunStore(file);
    const check = new DatabaseSync(file);
    expect(check.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    check.close();
    expect(SCHEMA_VERSION).toBe(2);

    const done = store.run('done')!;
    const { startedAt, endedAt } = done;
    expect(done).toEqual({
      ...(recorded.done as object),
      sessionStartedAt: startedAt,
      sessionFirstTask: 0,
      lastActiveAt: endedAt,
      activeMs: endedAt! - startedAt,
      hasResult: false,
      executorConfig: undefined,
    });
    expect(done.counts).toMatchObject({ succeeded: 25, running: 5 });
    expect(snapshot(store, 'done')).toEqual(before.done);
    expect(store.findCached('k0')).toMatchObject({ runId: 'done', taskId: 0 });

    const left = store.run('left')!;
    expect(left).toMatchObject({ state: 'interrupted', sessions: 1, sessionFirstTask: 0 });
    expect(left.lastActiveAt).toBe(lastLog.t);
    expect(left.activeMs).toBe(lastLog.t - left.startedAt);
    expect(snapshot(store, 'left')).toEqual(before.left);
    expect(store.runs({ state: 'interrupted' }).map((r) => r.id)).toEqual(['left']);

    // A migrated run resumes: a claim, a new session after its tasks, its result stored.
    const writer = store.openRun({ ...info('done'), startedAt: Date.now(), resumes: 1 });
    expect(writer.session).toBe(2);
    const t = { t: Date.now() };
    for (const e of taskEvents('done', 30, t, true)) writer.event(e);
    await writer.close('succeeded', { kind: 'inline', bytes: new Uint8Array([1]) });
    const resumed = store.run('done')!;
    expect(resumed).toMatchObject({ state: 'succeeded', sessions: 2, sessionFirstTask: 30 });
    expect(resumed.counts).toMatchObject({ succeeded: 1, running: 0, cancelled: 0 });
    expect(store.tasks('done', { states: ['cancelled'], limit: 100 })).toHaveLength(5);
    expect(store.runResult('done')).toEqual({ kind: 'inline', bytes: new Uint8Array([1]) });
  });
});
