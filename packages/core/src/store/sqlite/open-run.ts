/**
 * @module
 * `openRun` on the SQLite store, in one transaction on the calling thread's
 * connection: a new run's row; or, for a recorded run (a resume), a new
 * session: the tasks the earlier session left unfinished get a `cancelled`
 * event (reason `interrupted`) appended to their history, with seqs after
 * the run's last, and the run is `running` again (its process and host are
 * the resuming one's; the rest of its info stays as first recorded).
 */
import type { DatabaseSync } from 'node:sqlite';
import { describeValue } from '../../errors/base.ts';
import { RunStoreInputError } from '../../errors/store.ts';
import type { TaskEvent } from '../../events/events.ts';
import { CANCELLED, PENDING, READY, RUNNING, STATE_NAMES } from '../../vocabulary/state.ts';
import type { RunInfo } from '../run-store.ts';
import { INTERRUPTED, TaskFold } from '../task-fold.ts';
import { ByteWriter, decodeHistory } from './history.ts';
import { C_CANCELLED } from './protocol.ts';
import { TASK_KEY_SPAN } from './schema.ts';

interface RunRow {
  key: number;
  last_seq: number;
  counts: string;
}

interface UnfinishedRow {
  id: number;
  name: string | null;
  label: string | null;
  state: number;
  history: Uint8Array;
}

function paramsJson(info: RunInfo): string | null {
  if (info.params === undefined) return null;
  try {
    return JSON.stringify(info.params);
  } catch (error) {
    throw new RunStoreInputError(
      `the params of run ${info.id} cannot be stored as JSON (${(error as Error).message}): ${describeValue(info.params)}`,
    );
  }
}

/** Records the run's opening; returns its key and the session this is. */
export function recordOpen(db: DatabaseSync, info: RunInfo): { key: number; session: number } {
  const params = paramsJson(info);
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare('SELECT key, last_seq, counts FROM runs WHERE id = ?').get(info.id) as
      | RunRow
      | undefined;
    const opened = row === undefined ? insertRun(db, info, params) : resumeRun(db, info, row);
    db.exec('COMMIT');
    return opened;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function insertRun(db: DatabaseSync, info: RunInfo, params: string | null) {
  const inserted = db
    .prepare(
      `INSERT INTO runs (id, workflow, mode, executor, params, rerun_of, cwd, host, pid, started_at,
         state, ended_at, sessions, cancel_requested, last_seq, counts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', NULL, 1, NULL, 0, ?) RETURNING key`,
    )
    .get(
      info.id,
      info.workflow ?? null,
      info.mode ?? null,
      info.executor,
      params,
      info.rerunOf ?? null,
      info.cwd,
      info.host,
      info.pid,
      info.startedAt,
      JSON.stringify(STATE_NAMES.map(() => 0)),
    ) as { key: number };
  return { key: inserted.key, session: 1 };
}

function resumeRun(db: DatabaseSync, info: RunInfo, row: RunRow) {
  const counts = JSON.parse(row.counts) as number[];
  let seq = row.last_seq;
  const firstSeq = seq + 1;
  const unfinished = db
    .prepare(
      `SELECT key - ? AS id, name, label, state, history FROM tasks
       WHERE key BETWEEN ? AND ? AND state IN (${PENDING}, ${READY}, ${RUNNING}) ORDER BY key`,
    )
    .all(
      row.key * TASK_KEY_SPAN,
      row.key * TASK_KEY_SPAN,
      (row.key + 1) * TASK_KEY_SPAN - 1,
    ) as unknown as UnfinishedRow[];
  const update = db.prepare(
    `UPDATE tasks SET state = ${CANCELLED}, history = CAST(history || ? AS BLOB) WHERE key = ?`,
  );
  const h = new ByteWriter(256);
  const ids = new DataView(new ArrayBuffer(4 * unfinished.length));
  const now = Date.now();
  unfinished.forEach((task, i) => {
    const events = decodeHistory(
      task.history,
      info.id,
      task.id,
      task.name ?? '',
      task.label ?? undefined,
    );
    let attempts = 0;
    if (events.length > 0) {
      const fold = new TaskFold(events[0] as TaskEvent);
      for (const e of events) fold.apply(e as TaskEvent);
      attempts = fold.attempts;
    }
    h.pos = 0;
    h.head(C_CANCELLED, true, ++seq, now, attempts);
    h.str(INTERRUPTED);
    update.run(h.buf.subarray(0, h.pos), row.key * TASK_KEY_SPAN + task.id);
    ids.setInt32(4 * i, task.id, true);
    counts[task.state]!--;
    counts[CANCELLED]!++;
  });
  if (seq >= firstSeq) {
    db.prepare('INSERT INTO batches (run_key, first_seq, last_seq, tasks) VALUES (?, ?, ?, ?)').run(
      row.key,
      firstSeq,
      seq,
      new Uint8Array(ids.buffer),
    );
  }
  const updated = db
    .prepare(
      `UPDATE runs SET state = 'running', ended_at = NULL, sessions = sessions + 1, cancel_requested = NULL,
         pid = ?, host = ?, last_seq = ?, counts = ? WHERE key = ? RETURNING sessions`,
    )
    .get(info.pid, info.host, seq, JSON.stringify(counts), row.key) as { sessions: number };
  return { key: row.key, session: updated.sessions };
}
