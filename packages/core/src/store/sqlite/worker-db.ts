/**
 * @module
 * The write worker's connection and state: the statements it prepared
 * (multi-row inserts of 100 rows, the tasks' upsert), and what it tracks
 * of each open run: the last seq, the counts by state (of the tasks from
 * the session's first on), and each task's state (a byte per task id), so
 * that it never reads anything back.
 */

import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { RunStoreCorruptError, RunStoreInputError } from '../../errors/store.ts';
import { ByteWriter } from './history.ts';
import { ParkedTasks } from './parked.ts';
import { TASK_KEY_SPAN } from './schema.ts';

/** A task's state in `RunSlot.states` when the task has no row. */
export const ABSENT = 255;
const CHUNK = 100;

/**
 * A multi-row INSERT, run 100 rows a statement (prepared once per size).
 * Rows are written straight into `chunk` (`columns` values at `n`, then
 * `row()`), which runs the statement each time it is full: no array per
 * row or per batch.
 */
class Rows {
  readonly chunk: SQLInputValue[];
  n = 0;
  readonly #db: DatabaseSync;
  readonly #head: string;
  readonly #columns: number;
  readonly #tail: string;
  readonly #statements = new Map<number, StatementSync>();

  constructor(db: DatabaseSync, head: string, columns: number, tail = '') {
    this.#db = db;
    this.#head = head;
    this.#columns = columns;
    this.#tail = tail;
    this.chunk = new Array(CHUNK * columns).fill(null);
  }

  /** The row at `n` is filled in. */
  row(): void {
    this.n += this.#columns;
    if (this.n === this.chunk.length) {
      this.#statement(CHUNK).run(...this.chunk);
      this.n = 0;
    }
  }

  /** Writes the rows still in the chunk. */
  end(): void {
    if (this.n > 0) this.#statement(this.n / this.#columns).run(...this.chunk.slice(0, this.n));
    this.n = 0;
  }

  /** Writes rows given as one array. */
  run(values: readonly SQLInputValue[]): void {
    for (const v of values) {
      this.chunk[this.n++] = v;
      if (this.n % this.#columns === 0) {
        this.n -= this.#columns;
        this.row();
      }
    }
    this.end();
  }

  #statement(rows: number): StatementSync {
    let statement = this.#statements.get(rows);
    if (statement === undefined) {
      const row = `(${'?,'.repeat(this.#columns - 1)}?)`;
      statement = this.#db.prepare(
        `${this.#head} VALUES ${Array(rows).fill(row).join(',')} ${this.#tail}`,
      );
      this.#statements.set(rows, statement);
    }
    return statement;
  }
}

/** The worker's connection and what it prepared on it. */
export class WorkerDb {
  readonly db: DatabaseSync;
  readonly tasks: Rows;
  readonly logs: Rows;
  readonly runEvents: Rows;
  readonly batch: StatementSync;
  readonly progress: StatementSync;
  readonly end: StatementSync;
  readonly history = new ByteWriter(1 << 20);

  constructor(db: DatabaseSync) {
    this.db = db;
    this.tasks = new Rows(
      db,
      'INSERT INTO tasks (key, run_key, name, label, state, cache_key, result_size, result, result_hash, history)',
      10,
      `ON CONFLICT (key) DO UPDATE SET
        name = coalesce(excluded.name, name),
        label = iif(excluded.name IS NULL, label, excluded.label),
        state = coalesce(excluded.state, state),
        cache_key = iif(excluded.result_size IS NULL, cache_key, excluded.cache_key),
        result = iif(excluded.result_size IS NULL, result, excluded.result),
        result_hash = iif(excluded.result_size IS NULL, result_hash, excluded.result_hash),
        result_size = coalesce(excluded.result_size, result_size),
        history = CAST(history || excluded.history AS BLOB)`,
    );
    this.logs = new Rows(
      db,
      'INSERT INTO logs (run_key, seq, task_id, attempt, level, message, fields, time)',
      8,
    );
    this.runEvents = new Rows(db, 'INSERT INTO run_events (run_key, seq, type, state, time)', 5);
    this.batch = db.prepare(
      'INSERT INTO batches (run_key, first_seq, last_seq, tasks) VALUES (?, ?, ?, ?)',
    );
    this.progress = db.prepare(
      'UPDATE runs SET last_seq = ?, counts = ?, last_active_at = ? WHERE key = ?',
    );
    this.end = db.prepare(
      `UPDATE runs SET state = ?, ended_at = ?, last_active_at = ?,
         result_size = ?, result = ?, result_hash = ? WHERE key = ?`,
    );
  }

  /** Runs `f` in one IMMEDIATE transaction: all of it, or (on an error) none of it. */
  transaction(f: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      f();
      this.db.exec('COMMIT');
    } catch (error) {
      this.tasks.n = 0;
      this.logs.n = 0;
      this.runEvents.n = 0;
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

/** An open run, as the worker tracks it. */
export class RunSlot {
  readonly key: number;
  /** The row key of the run's task 0. */
  readonly base: number;
  readonly runId: string;
  /** The session's first task id: the counts are of the tasks from it on. */
  readonly firstTask: number;
  lastSeq: number;
  counts: number[];
  /** Each task's state code by id; ABSENT when it has no row. */
  states = new Uint8Array(1024).fill(ABSENT);
  /** The batch that last touched each task, and the task's index in it. */
  stamp = new Int32Array(1024);
  slot = new Int32Array(1024);
  batchNo = 0;
  readonly names: string[] = [];
  /** Tasks whose first events are held back (`parked.ts`). */
  readonly parked = new ParkedTasks();
  failed: string | undefined;

  constructor(w: WorkerDb, key: number, runId: string) {
    this.key = key;
    this.runId = runId;
    const row = w.db
      .prepare('SELECT last_seq, counts, session_first_task FROM runs WHERE key = ?')
      .get(key) as { last_seq: number; counts: string; session_first_task: number } | undefined;
    if (row === undefined) throw new RunStoreCorruptError(`run ${runId} has no row`);
    this.firstTask = row.session_first_task;
    this.lastSeq = row.last_seq;
    this.counts = JSON.parse(row.counts) as number[];
    const rows = w.db.prepare('SELECT key - ?, state FROM tasks WHERE key BETWEEN ? AND ?');
    rows.setReturnArrays(true);
    const base = key * TASK_KEY_SPAN;
    this.base = base;
    for (const [id, state] of rows.iterate(base, base, base + TASK_KEY_SPAN - 1) as Iterable<
      [number, number]
    >) {
      this.reserve(id);
      this.states[id] = state;
    }
  }

  /** Room for task `id` in the per-task arrays. */
  reserve(id: number): void {
    if (id < this.states.length) return;
    if (id >= TASK_KEY_SPAN)
      throw new RunStoreInputError(
        `task id ${id} is too large for the run store (at most ${TASK_KEY_SPAN - 1})`,
      );
    const n = Math.min(TASK_KEY_SPAN, Math.max(id + 1, this.states.length * 2));
    const states = new Uint8Array(n).fill(ABSENT);
    states.set(this.states);
    this.states = states;
    const stamp = new Int32Array(n);
    stamp.set(this.stamp);
    this.stamp = stamp;
    const slot = new Int32Array(n);
    slot.set(this.slot);
    this.slot = slot;
    this.parked.reserve(n);
  }
}
