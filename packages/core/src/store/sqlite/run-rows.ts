/**
 * @module
 * The SQLite store's `runs` rows as run records: the columns a record
 * reads (not the run's result, which only `runResult` reads), the state as
 * read (`interrupted` when its process is gone, `liveness.ts`), its active
 * time; and the run state filter of `runs()`, evaluated in SQL so that
 * paging applies after it.
 */
import type { DatabaseSync } from 'node:sqlite';
import { activeMs, isGone, readState } from '../liveness.ts';
import type { RunRecord, RunState, StoredResult } from '../run-store.ts';
import { countsByState } from '../task-fold.ts';

export interface RunRow {
  key: number;
  id: string;
  workflow: string | null;
  mode: string | null;
  executor: string;
  executor_config: string | null;
  params: string | null;
  rerun_of: string | null;
  cwd: string;
  host: string;
  pid: number;
  started_at: number;
  state: RunState;
  ended_at: number | null;
  sessions: number;
  session_started_at: number;
  session_first_task: number;
  active_ms: number;
  last_active_at: number;
  cancel_requested: string | null;
  counts: string;
  result_size: number | null;
}

/** A stored result's columns (a task's or a run's). */
export interface ResultRow {
  result_size: number | null;
  result: Uint8Array | null;
  result_hash: string | null;
}

/** What a run record reads of its row. */
export const RUN_COLUMNS = `key, id, workflow, mode, executor, executor_config, params, rerun_of,
  cwd, host, pid, started_at, state, ended_at, sessions, session_started_at, session_first_task,
  active_ms, last_active_at, cancel_requested, counts, result_size`;

/** The name of the SQL function `(host, pid) -> 1 when the process is gone` on the readers' connection. */
const GONE = 'weft_process_gone';

/** Adds the SQL function the run state filter uses to the connection. */
export function addRunFunctions(db: DatabaseSync): void {
  db.function(GONE, { deterministic: false }, (host, pid) =>
    isGone(String(host), Number(pid)) ? 1 : 0,
  );
}

/** The SQL condition (and its argument) for runs that read as `state`. */
export function runStateTerm(state: RunState): { sql: string; args: string[] } {
  if (state === 'running') return { sql: `state = 'running' AND NOT ${GONE}(host, pid)`, args: [] };
  if (state === 'interrupted') return { sql: `state = 'running' AND ${GONE}(host, pid)`, args: [] };
  return { sql: 'state = ?', args: [state] };
}

/** A run's record from its row, as read now. */
export function runRecord(r: RunRow): RunRecord {
  const state = readState(r.state, r.host, r.pid);
  const endedAt = r.ended_at ?? undefined;
  return {
    id: r.id,
    workflow: r.workflow ?? undefined,
    mode: r.mode ?? undefined,
    executor: r.executor,
    executorConfig: r.executor_config === null ? undefined : JSON.parse(r.executor_config),
    params: r.params === null ? undefined : (JSON.parse(r.params) as Record<string, unknown>),
    rerunOf: r.rerun_of ?? undefined,
    cwd: r.cwd,
    host: r.host,
    pid: r.pid,
    startedAt: r.started_at,
    state,
    endedAt,
    sessions: r.sessions,
    sessionStartedAt: r.session_started_at,
    sessionFirstTask: r.session_first_task,
    lastActiveAt: r.last_active_at,
    activeMs: activeMs({
      state,
      priorActiveMs: r.active_ms,
      sessionStartedAt: r.session_started_at,
      endedAt,
      lastActiveAt: r.last_active_at,
    }),
    counts: countsByState(JSON.parse(r.counts) as number[]),
    hasResult: r.result_size !== null && r.result_size >= 0,
    cancelRequested: r.cancel_requested ?? undefined,
  };
}

/** A stored result from its columns; undefined when none is stored. */
export function storedResult(r: ResultRow | undefined): StoredResult | undefined {
  if (r === undefined || r.result_size === null || r.result_size < 0) return undefined;
  if (r.result_hash !== null) return { kind: 'artifact', hash: r.result_hash, size: r.result_size };
  return { kind: 'inline', bytes: r.result ?? new Uint8Array(0) };
}
