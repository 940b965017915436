/**
 * @module
 * The SQLite store's event queries. One task's events come from its
 * history (and its logs from `logs`); a run's events in seq order are
 * gathered batch by batch (`batches` names the tasks each batch touched,
 * whose histories hold its task events), merged with the run's logs and
 * run events in the batch's seq range, until the limit is reached.
 */

import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { StoredEvent, StoredLog } from '../run-store.ts';
import type { CheckedEventQuery } from '../run-store-errors.ts';
import { TASK_TYPES } from './protocol.ts';

/**
 * What reading events needs of the store's queries (`SqliteQueries`), kept
 * to these few methods so that the two files do not import each other.
 */
export interface EventReader<Row> {
  taskRow(runId: string, taskId: number): Row | undefined;
  taskEvents(runId: string, row: Row): StoredEvent[];
  statement(sql: string): StatementSync;
  get(sql: string, ...args: SQLInputValue[]): unknown;
  all(sql: string, ...args: SQLInputValue[]): unknown[];
}

interface LogRow {
  seq: number;
  task_id: number;
  attempt: number;
  level: StoredLog['level'];
  message: string;
  fields: string | null;
  time: number;
}

const TASK_TYPE_SET: ReadonlySet<string> = new Set(TASK_TYPES);
const LOG_COLUMNS = 'seq, task_id, attempt, level, message, fields, time';

function logEvent(runId: string, r: LogRow): StoredLog {
  return {
    type: 'log',
    runId,
    taskId: r.task_id,
    attempt: r.attempt,
    level: r.level,
    message: r.message,
    fields: r.fields === null ? undefined : (JSON.parse(r.fields) as Record<string, unknown>),
    time: r.time,
    seq: r.seq,
  };
}

/** The events of run `runId` (key `key`) the checked query asks for, in seq order. */
export function readEvents<Row>(
  q_: EventReader<Row>,
  runId: string,
  key: number,
  q: CheckedEventQuery,
): StoredEvent[] {
  const types = q.types;
  const wantTasks = types === undefined || [...types].some((t) => TASK_TYPE_SET.has(t));
  const wantLogs = types === undefined || types.has('log');
  const wantRun = types === undefined || types.has('run_started') || types.has('run_finished');
  const typed = (e: StoredEvent) => types === undefined || types.has(e.type);
  if (q.taskId !== undefined) {
    const out: StoredEvent[] = [];
    const row = wantTasks && q.taskId >= 0 ? q_.taskRow(runId, q.taskId) : undefined;
    if (row !== undefined) {
      for (const e of q_.taskEvents(runId, row)) if (e.seq > q.afterSeq && typed(e)) out.push(e);
    }
    if (wantLogs) {
      const sql = `SELECT ${LOG_COLUMNS} FROM logs WHERE run_key = ? AND task_id = ? AND seq > ? ORDER BY seq LIMIT ?`;
      for (const r of q_.all(sql, key, q.taskId, q.afterSeq, q.limit) as LogRow[]) {
        out.push(logEvent(runId, r));
      }
      out.sort((a, b) => a.seq - b.seq);
    }
    return out.slice(0, q.limit);
  }
  if (!wantTasks) {
    const out: StoredEvent[] = [];
    if (wantLogs) {
      const sql = `SELECT ${LOG_COLUMNS} FROM logs WHERE run_key = ? AND seq > ? ORDER BY seq LIMIT ?`;
      for (const r of q_.all(sql, key, q.afterSeq, q.limit) as LogRow[])
        out.push(logEvent(runId, r));
    }
    if (wantRun)
      out.push(...runEvents(q_, runId, key, q.afterSeq, Number.MAX_SAFE_INTEGER, q.limit));
    return out
      .filter(typed)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, q.limit);
  }
  return walk(q_, runId, key, q, wantLogs, wantRun, typed);
}

/** The events of a whole run in seq order, batch by batch, from `afterSeq` on. */
function walk<Row>(
  q_: EventReader<Row>,
  runId: string,
  key: number,
  q: CheckedEventQuery,
  wantLogs: boolean,
  wantRun: boolean,
  typed: (e: StoredEvent) => boolean,
): StoredEvent[] {
  const out: StoredEvent[] = [];
  const decoded = new Map<number, StoredEvent[]>();
  const start = q_.get(
    'SELECT coalesce(max(first_seq), 0) AS s FROM batches WHERE run_key = ? AND first_seq <= ?',
    key,
    q.afterSeq + 1,
  ) as { s: number };
  const batches = q_.statement(
    'SELECT first_seq, last_seq, tasks FROM batches WHERE run_key = ? AND first_seq >= ? ORDER BY first_seq',
  );
  const logSql = `SELECT ${LOG_COLUMNS} FROM logs WHERE run_key = ? AND seq BETWEEN ? AND ? ORDER BY seq`;
  for (const b of batches.iterate(key, start.s) as Iterable<{
    first_seq: number;
    last_seq: number;
    tasks: Uint8Array;
  }>) {
    const lo = Math.max(b.first_seq, q.afterSeq + 1);
    const hi = b.last_seq;
    if (hi < lo) continue;
    const chunk: StoredEvent[] = [];
    const ids = new DataView(b.tasks.buffer, b.tasks.byteOffset, b.tasks.byteLength);
    for (let i = 0; i < ids.byteLength; i += 4) {
      const id = ids.getInt32(i, true);
      let events = decoded.get(id);
      if (events === undefined) {
        const row = q_.taskRow(runId, id);
        events = row === undefined ? [] : q_.taskEvents(runId, row);
        decoded.set(id, events);
      }
      for (const e of events) if (e.seq >= lo && e.seq <= hi && typed(e)) chunk.push(e);
    }
    if (wantLogs)
      for (const r of q_.all(logSql, key, lo, hi) as LogRow[]) chunk.push(logEvent(runId, r));
    if (wantRun)
      for (const e of runEvents(q_, runId, key, lo - 1, hi, -1)) if (typed(e)) chunk.push(e);
    chunk.sort((a, c) => a.seq - c.seq);
    for (const e of chunk) {
      out.push(e);
      if (out.length >= q.limit) return out;
    }
  }
  return out;
}

function runEvents<Row>(
  q_: EventReader<Row>,
  runId: string,
  key: number,
  after: number,
  upTo: number,
  limit: number,
): StoredEvent[] {
  const rows = q_.all(
    'SELECT seq, type, state, time FROM run_events WHERE run_key = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
    key,
    after,
    upTo,
    limit,
  ) as {
    seq: number;
    type: 'run_started' | 'run_finished';
    state: string | null;
    time: number;
  }[];
  return rows.map((r) =>
    r.type === 'run_started'
      ? { type: r.type, runId, time: r.time, seq: r.seq }
      : { type: r.type, runId, state: r.state as 'succeeded', time: r.time, seq: r.seq },
  );
}
