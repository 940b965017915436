/**
 * @module
 * The SQLite store's queries, on the calling thread's own connection (WAL
 * lets it read beside the write worker, and beside other processes). Task
 * records are folded from their stored history (`task-fold.ts`); a run's
 * events in seq order are gathered batch by batch (`batches` names the
 * tasks each batch touched), merged with its logs and run events.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { RunStoreCorruptError } from '../../errors/store.ts';
import type { TaskEvent } from '../../events/events.ts';
import { STATE_NAMES } from '../../vocabulary/state.ts';
import { attemptsOf } from '../attempts.ts';
import type {
  AttemptRecord,
  RunQuery,
  RunRecord,
  StoredEvent,
  StoredResult,
  TaskQuery,
  TaskRecord,
} from '../run-store.ts';
import type { CheckedEventQuery, CheckedPage } from '../run-store-errors.ts';
import { TaskFold } from '../task-fold.ts';
import { readEvents } from './event-queries.ts';
import { decodeHistory } from './history.ts';
import {
  addRunFunctions,
  type ResultRow,
  RUN_COLUMNS,
  type RunRow,
  runRecord,
  runStateTerm,
  storedResult,
} from './run-rows.ts';
import { INDEXED_STATES, indexedStates, TASK_KEY_SPAN } from './schema.ts';

export interface TaskRow {
  id: number;
  name: string | null;
  label: string | null;
  cache_key: string | null;
  result_size: number | null;
  history: Uint8Array;
}

const TASK_COLUMNS = 'key - ? AS id, name, label, cache_key, result_size, history';

export class SqliteQueries {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  readonly #keys = new Map<string, number>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    addRunFunctions(db);
  }

  /**
   * Forgets the run keys it remembered, after runs were deleted: their keys
   * may be given again. (Another store object's are put right when it next
   * reads the run's record, `run` or `runs`.)
   */
  forget(): void {
    this.#keys.clear();
  }

  /** The run's key, when it is recorded. */
  key(runId: string): number | undefined {
    let key = this.#keys.get(runId);
    if (key === undefined) {
      key = (this.get('SELECT key FROM runs WHERE id = ?', runId) as { key: number } | undefined)
        ?.key;
      if (key !== undefined) this.#keys.set(runId, key);
    }
    return key;
  }

  runs(q: RunQuery & CheckedPage): RunRecord[] {
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (q.state !== undefined) {
      const term = runStateTerm(q.state);
      where.push(term.sql);
      args.push(...term.args);
    }
    if (q.workflow !== undefined) {
      where.push('workflow = ?');
      args.push(q.workflow);
    }
    const sql = `SELECT ${RUN_COLUMNS} FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, key DESC LIMIT ? OFFSET ?`;
    return (this.all(sql, ...args, q.limit, q.offset) as RunRow[]).map((row) => this.#seen(row));
  }

  run(idOrPrefix: string): RunRecord | undefined {
    if (typeof idOrPrefix !== 'string' || idOrPrefix.length === 0) return undefined;
    const one = `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`;
    const exact = this.get(one, idOrPrefix) as RunRow | undefined;
    if (exact !== undefined) return this.#seen(exact);
    // Deleted (by another store object, maybe): its key may belong to another run by now.
    this.#keys.delete(idOrPrefix);
    // Ids with the prefix sort right after it: one match is unique if the next one differs.
    const next = this.all('SELECT id FROM runs WHERE id > ? ORDER BY id LIMIT 2', idOrPrefix) as {
      id: string;
    }[];
    const matches = next.filter((r) => r.id.startsWith(idOrPrefix));
    if (matches.length !== 1) return undefined;
    return this.#seen(this.get(one, matches[0]!.id) as RunRow);
  }

  /** A run's record, its key remembered as read now. */
  #seen(row: RunRow): RunRecord {
    this.#keys.set(row.id, row.key);
    return runRecord(row);
  }

  tasks(runId: string, q: TaskQuery & CheckedPage): TaskRecord[] {
    const key = this.key(runId);
    if (key === undefined || q.states?.length === 0) return [];
    const base = key * TASK_KEY_SPAN;
    const first = q.session === 'latest' ? this.#sessionFirstTask(key) : 0;
    let from = 'tasks';
    const where: string[] = [];
    const args: SQLInputValue[] = [base];
    const codes = q.states?.map((s) => STATE_NAMES.indexOf(s));
    if (codes !== undefined && indexedStates(codes)) {
      from = 'tasks INDEXED BY tasks_state';
      where.push(`run_key = ? AND ${INDEXED_STATES} AND state IN (${codes.join(', ')})`);
      args.push(key);
      if (first > 0) {
        where.push('key >= ?');
        args.push(base + first);
      }
    } else {
      where.push('key BETWEEN ? AND ?');
      args.push(base + first, base + TASK_KEY_SPAN - 1);
      if (codes !== undefined) where.push(`state IN (${codes.join(', ')})`);
    }
    if (q.name !== undefined) {
      where.push('(instr(name, ?) > 0 OR instr(label, ?) > 0)');
      args.push(q.name, q.name);
    }
    const sql = `SELECT ${TASK_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY key LIMIT ? OFFSET ?`;
    return (this.all(sql, ...args, q.limit, q.offset) as TaskRow[]).map((row) =>
      this.#record(runId, row),
    );
  }

  task(runId: string, taskId: number): TaskRecord | undefined {
    const row = this.taskRow(runId, taskId);
    return row && this.#record(runId, row);
  }

  attempts(runId: string, taskId: number): AttemptRecord[] {
    const row = this.taskRow(runId, taskId);
    return row ? attemptsOf(this.taskEvents(runId, row)) : [];
  }

  result(runId: string, taskId: number): StoredResult | undefined {
    const key = this.key(runId);
    if (key === undefined || taskId >= TASK_KEY_SPAN) return undefined;
    const sql = 'SELECT result_size, result, result_hash FROM tasks WHERE key = ?';
    return storedResult(this.get(sql, key * TASK_KEY_SPAN + taskId) as ResultRow | undefined);
  }

  runResult(runId: string): StoredResult | undefined {
    const sql = 'SELECT result_size, result, result_hash FROM runs WHERE id = ?';
    return storedResult(this.get(sql, runId) as ResultRow | undefined);
  }

  #sessionFirstTask(key: number): number {
    const sql = 'SELECT session_first_task AS f FROM runs WHERE key = ?';
    return (this.get(sql, key) as { f: number } | undefined)?.f ?? 0;
  }

  /** The run's events (or logs: `types` only `log`), as the checked query asks. */
  events(runId: string, q: CheckedEventQuery): StoredEvent[] {
    const key = this.key(runId);
    if (key === undefined || q.limit === 0) return [];
    return readEvents(this, runId, key, q);
  }

  /** A task's row (its id, name, label, cache key, result size, history). */
  taskRow(runId: string, taskId: number): TaskRow | undefined {
    const key = this.key(runId);
    if (key === undefined || taskId < 0 || taskId >= TASK_KEY_SPAN) return undefined;
    const sql = `SELECT ${TASK_COLUMNS} FROM tasks WHERE key = ?`;
    const base = key * TASK_KEY_SPAN;
    return this.get(sql, base, base + taskId) as TaskRow | undefined;
  }

  /** A task's stored events, from its row. */
  taskEvents(runId: string, row: TaskRow): StoredEvent[] {
    return decodeHistory(row.history, runId, row.id, row.name ?? '', row.label ?? undefined);
  }

  #record(runId: string, row: TaskRow): TaskRecord {
    const events = this.taskEvents(runId, row) as (TaskEvent & { seq: number })[];
    if (events.length === 0) {
      throw new RunStoreCorruptError(`task ${row.id} of run ${runId} is stored without any event`);
    }
    const fold = new TaskFold(events[0]!);
    for (const e of events) fold.apply(e);
    const hasResult = row.result_size !== null && row.result_size >= 0;
    return fold.record(runId, row.id, row.cache_key ?? undefined, hasResult);
  }

  /** A statement, prepared once. */
  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** The first row of a query. */
  get(sql: string, ...args: SQLInputValue[]): unknown {
    return this.statement(sql).get(...args);
  }

  /** All rows of a query. */
  all(sql: string, ...args: SQLInputValue[]): unknown[] {
    return this.statement(sql).all(...args);
  }
}
