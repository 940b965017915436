/**
 * @module
 * `openRun` on the SQLite store, in one transaction on the calling thread's
 * connection (`BEGIN IMMEDIATE`: the write lock is taken before the run's
 * row is read, so a claim, `info.resumes`, is checked and counted at once
 * even against other processes): a new run's row; or, for a recorded run
 * (a resume), a new session: the tasks the earlier session left unfinished
 * get a `cancelled` event (reason `interrupted`) appended to their history,
 * with seqs after the run's last, and the run is `running` again (its
 * process and host are the resuming one's, its executor config too when
 * given; the rest of its info stays as first recorded). The session's
 * counts start afresh from the task after the highest recorded; the span
 * of the earlier session is added to `active_ms`; the run's result is cleared.
 */
import type { DatabaseSync } from 'node:sqlite';
import { describeValue } from '../../errors/base.ts';
import {
  RunAlreadyOpenError,
  RunClaimedError,
  RunNotFoundError,
  RunStoreInputError,
} from '../../errors/store.ts';
import type { TaskEvent } from '../../events/events.ts';
import { CANCELLED, PENDING, READY, RUNNING, STATE_NAMES } from '../../vocabulary/state.ts';
import { sessionSpan } from '../liveness.ts';
import type { RunInfo } from '../run-store.ts';
import { executorConfigJson } from '../run-store-errors.ts';
import { INTERRUPTED, TaskFold } from '../task-fold.ts';
import { ByteWriter, decodeHistory } from './history.ts';
import { C_CANCELLED } from './protocol.ts';
import { TASK_KEY_SPAN } from './schema.ts';

interface RunRow {
  key: number;
  last_seq: number;
  sessions: number;
  host: string;
  pid: number;
  ended_at: number | null;
  session_started_at: number;
  last_active_at: number;
}

/** Where the run is opened: the store's file (for messages), and whether this store object writes the run already. */
export interface OpenContext {
  readonly location: string;
  readonly writing: boolean;
}

const ZERO_COUNTS = JSON.stringify(STATE_NAMES.map(() => 0));

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

/**
 * Records the run's opening; returns its key and the session this is.
 * Throws (changing nothing) `RunClaimedError` for a claim another process
 * won, `RunNotFoundError` for a claim of an unknown run, and
 * `RunAlreadyOpenError` when `ctx.writing`.
 */
export function recordOpen(
  db: DatabaseSync,
  info: RunInfo,
  ctx: OpenContext,
): { key: number; session: number } {
  const params = paramsJson(info);
  const config = executorConfigJson(info) ?? null;
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db
      .prepare(
        `SELECT key, last_seq, sessions, host, pid, ended_at, session_started_at, last_active_at
         FROM runs WHERE id = ?`,
      )
      .get(info.id) as RunRow | undefined;
    if (info.resumes !== undefined) {
      if (row === undefined) throw new RunNotFoundError(info.id, ctx.location);
      if (row.sessions !== info.resumes) {
        throw new RunClaimedError(info.id, row.sessions, row.host, row.pid);
      }
    }
    if (row !== undefined && ctx.writing) throw new RunAlreadyOpenError(info.id, ctx.location);
    const opened =
      row === undefined ? insertRun(db, info, params, config) : resumeRun(db, info, row, config);
    db.exec('COMMIT');
    return opened;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function insertRun(db: DatabaseSync, info: RunInfo, params: string | null, config: string | null) {
  const inserted = db
    .prepare(
      `INSERT INTO runs (id, workflow, mode, executor, params, rerun_of, cwd, host, pid, started_at,
         state, ended_at, sessions, cancel_requested, last_seq, counts, executor_config,
         session_started_at, session_first_task, active_ms, last_active_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', NULL, 1, NULL, 0, ?, ?, ?, 0, 0, ?)
       RETURNING key`,
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
      ZERO_COUNTS,
      config,
      info.startedAt,
      Date.now(),
    ) as { key: number };
  return { key: inserted.key, session: 1 };
}

function resumeRun(db: DatabaseSync, info: RunInfo, row: RunRow, config: string | null) {
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
  });
  if (seq >= firstSeq) {
    db.prepare('INSERT INTO batches (run_key, first_seq, last_seq, tasks) VALUES (?, ?, ?, ?)').run(
      row.key,
      firstSeq,
      seq,
      new Uint8Array(ids.buffer),
    );
  }
  const top = db
    .prepare('SELECT max(key) AS k FROM tasks WHERE key BETWEEN ? AND ?')
    .get(row.key * TASK_KEY_SPAN, (row.key + 1) * TASK_KEY_SPAN - 1) as { k: number | null };
  const firstTask = top.k === null ? 0 : top.k - row.key * TASK_KEY_SPAN + 1;
  const span = sessionSpan({
    sessionStartedAt: row.session_started_at,
    endedAt: row.ended_at ?? undefined,
    lastActiveAt: row.last_active_at,
  });
  const updated = db
    .prepare(
      `UPDATE runs SET state = 'running', ended_at = NULL, sessions = sessions + 1, cancel_requested = NULL,
         pid = ?, host = ?, last_seq = ?, counts = ?, executor_config = coalesce(?, executor_config),
         result_size = NULL, result = NULL, result_hash = NULL, session_started_at = ?,
         session_first_task = ?, active_ms = active_ms + ?, last_active_at = ?
       WHERE key = ? RETURNING sessions`,
    )
    .get(
      info.pid,
      info.host,
      seq,
      ZERO_COUNTS,
      config,
      info.startedAt,
      firstTask,
      span,
      now,
      row.key,
    ) as { sessions: number };
  return { key: row.key, session: updated.sessions };
}
