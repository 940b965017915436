/**
 * @module
 * The SQLite store's schema and connections. The schema is a list of
 * migrations applied in order, its version kept in `PRAGMA user_version`;
 * a database newer than this code is refused (`RunStoreTooNewError`).
 *
 * Schema (version 2):
 * - `runs`: one row per run (integer `key`, unique text `id`), its info,
 *   state, end, sessions, cancel request, the last `seq` written and the
 *   counts by state of the latest session's tasks (a JSON array by state
 *   code), kept by the writer. Version 2 added:
 *   - `executor_config`: how the executor was chosen, JSON text (NULL: not given);
 *   - the run's own result, as for tasks: `result_size` (NULL: none),
 *     inline `result` BLOB or `result_hash` of an artifact;
 *   - `session_started_at` (the latest session's start), `session_first_task`
 *     (its first task id; the counts are of tasks from it on), `active_ms`
 *     (the spans of the sessions before it, summed) and `last_active_at`
 *     (when the last batch was written, or the run opened; set with each
 *     batch's progress update, so no extra statement).
 *   Runs recorded by version 1 read as one session from their start
 *   (`session_first_task` 0: counts of all their tasks, as version 1 kept
 *   them); one still `running` takes its last activity from its last batch.
 * - `tasks`, keyed by `key` = run key * 2^32 + task id (a rowid table: its
 *   upserts cost less than a WITHOUT ROWID one's): name, label, state (a
 *   code, indexed with the run key), the result (`result_size` -1 when stored without one,
 *   NULL when never stored; inline `result` BLOB or `result_hash` of an
 *   artifact), `cache_key` (partial index), and `history`: the task's
 *   events, compact (`history.ts`). The rest of a record is the fold of it.
 * - `logs` (run_key, seq) with an index on (run_key, task_id, seq);
 *   `run_events` (run_key, seq) for run_started and run_finished.
 * - `batches` (run_key, first_seq): the seq range each written batch
 *   covers and the ids of the tasks it touched (int32 LE), which is how
 *   a run's events are read in seq order across the tasks' histories.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { RunStoreOpenError, RunStoreTooNewError } from '../../errors/store.ts';
import { decodeHistory } from './history.ts';

type Migration = (db: DatabaseSync) => void;

const MIGRATIONS: readonly Migration[] = [
  (db) =>
    db.exec(`
      CREATE TABLE runs (
        key INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        workflow TEXT,
        mode TEXT,
        executor TEXT NOT NULL,
        params TEXT,
        rerun_of TEXT,
        cwd TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at REAL NOT NULL,
        state TEXT NOT NULL,
        ended_at REAL,
        sessions INTEGER NOT NULL,
        cancel_requested TEXT,
        last_seq INTEGER NOT NULL,
        counts TEXT NOT NULL
      );
      CREATE INDEX runs_newest ON runs (started_at DESC, key DESC);
      CREATE TABLE tasks (
        key INTEGER PRIMARY KEY,
        run_key INTEGER NOT NULL,
        name TEXT,
        label TEXT,
        state INTEGER,
        cache_key TEXT,
        result_size INTEGER,
        result BLOB,
        result_hash TEXT,
        history BLOB NOT NULL
      );
      CREATE INDEX tasks_state ON tasks (run_key, state) WHERE ${INDEXED_STATES};
      CREATE INDEX tasks_cache_key ON tasks (cache_key) WHERE cache_key IS NOT NULL;
      CREATE TABLE logs (
        run_key INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        task_id INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        fields TEXT,
        time REAL NOT NULL,
        PRIMARY KEY (run_key, seq)
      ) WITHOUT ROWID;
      CREATE INDEX logs_task ON logs (run_key, task_id, seq);
      CREATE TABLE run_events (
        run_key INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        state TEXT,
        time REAL NOT NULL,
        PRIMARY KEY (run_key, seq)
      ) WITHOUT ROWID;
      CREATE TABLE batches (
        run_key INTEGER NOT NULL,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        tasks BLOB NOT NULL,
        PRIMARY KEY (run_key, first_seq)
      ) WITHOUT ROWID;
    `),
  (db) => {
    db.exec(`
      ALTER TABLE runs ADD COLUMN executor_config TEXT;
      ALTER TABLE runs ADD COLUMN result_size INTEGER;
      ALTER TABLE runs ADD COLUMN result BLOB;
      ALTER TABLE runs ADD COLUMN result_hash TEXT;
      ALTER TABLE runs ADD COLUMN session_started_at REAL NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN session_first_task INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN active_ms REAL NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN last_active_at REAL NOT NULL DEFAULT 0;
      UPDATE runs SET session_started_at = started_at,
        last_active_at = coalesce(ended_at, started_at);
    `);
    const running = db
      .prepare("SELECT key, id, started_at FROM runs WHERE state = 'running'")
      .all() as { key: number; id: string; started_at: number }[];
    const update = db.prepare('UPDATE runs SET last_active_at = ? WHERE key = ?');
    for (const r of running) update.run(lastBatchTime(db, r.key, r.id, r.started_at), r.key);
  },
];

/**
 * The latest event time of a run's last batch (or `startedAt` when it has
 * none): when a run that version 1 recorded as running was last active.
 */
function lastBatchTime(db: DatabaseSync, key: number, runId: string, startedAt: number): number {
  const batch = db
    .prepare(
      'SELECT first_seq, last_seq, tasks FROM batches WHERE run_key = ? ORDER BY first_seq DESC LIMIT 1',
    )
    .get(key) as { first_seq: number; last_seq: number; tasks: Uint8Array } | undefined;
  if (batch === undefined) return startedAt;
  let latest = startedAt;
  const history = db.prepare('SELECT history FROM tasks WHERE key = ?');
  const ids = new DataView(batch.tasks.buffer, batch.tasks.byteOffset, batch.tasks.byteLength);
  for (let i = 0; i < ids.byteLength; i += 4) {
    const id = ids.getInt32(i, true);
    const row = history.get(key * TASK_KEY_SPAN + id) as { history: Uint8Array } | undefined;
    if (row === undefined) continue;
    for (const e of decodeHistory(row.history, runId, id, '', undefined)) {
      if (e.seq >= batch.first_seq && e.time > latest) latest = e.time;
    }
  }
  const others = db
    .prepare(
      `SELECT max(time) AS t FROM (
         SELECT time FROM logs WHERE run_key = ?1 AND seq BETWEEN ?2 AND ?3
         UNION ALL SELECT time FROM run_events WHERE run_key = ?1 AND seq BETWEEN ?2 AND ?3)`,
    )
    .get(key, batch.first_seq, batch.last_seq) as { t: number | null };
  return Math.max(latest, others.t ?? latest);
}

/**
 * The states the state index holds: the few (ready, running, failed,
 * upstream_failed, cancelled). Pending, succeeded and cached are most of a
 * run's tasks: an index on them would cost every write and not beat a scan
 * of the run's rows. Queries that use the index repeat this term verbatim,
 * so SQLite sees that the partial index applies.
 */
export const INDEXED_STATES = 'state IN (1, 2, 4, 5, 6)';
const INDEXED = new Set([1, 2, 4, 5, 6]);

/** True when every state code in `codes` is in the state index. */
export function indexedStates(codes: readonly number[]): boolean {
  return codes.every((c) => INDEXED.has(c));
}

/**
 * A task's row key is its run's key times this, plus its id: task ids are
 * below it (67M tasks a run), run keys below 2^27 (keys stay exact doubles).
 */
export const TASK_KEY_SPAN = 2 ** 26;

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function userVersion(db: DatabaseSync): number {
  return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}

/**
 * Opens a connection with the store's settings: WAL, synchronous=NORMAL, a
 * busy timeout. The write worker's connection (`writer`) checkpoints the WAL
 * every 64 MiB (fewer, larger checkpoints: a page written by many batches is
 * copied once) and caches 32 MiB; the others never checkpoint on their own,
 * so that no commit on the calling thread (openRun) pays for one.
 */
export function connect(file: string, busyTimeoutMs: number, writer = false): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { timeout: busyTimeoutMs });
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec(
      writer
        ? 'PRAGMA wal_autocheckpoint = 16384; PRAGMA cache_size = -32768'
        : 'PRAGMA wal_autocheckpoint = 0',
    );
    if (
      (db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode !== 'wal'
    ) {
      db.exec('PRAGMA journal_mode = WAL');
    }
    return db;
  } catch (error) {
    db?.close();
    throw new RunStoreOpenError(file, (error as Error).message, { cause: error });
  }
}

/**
 * Opens the store's database (creating its directory and file), brings its
 * schema up to date, and refuses one newer than this code.
 */
export function openDatabase(file: string, busyTimeoutMs: number): DatabaseSync {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new RunStoreOpenError(file, (error as Error).message, { cause: error });
  }
  const db = connect(file, busyTimeoutMs);
  try {
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof RunStoreTooNewError) throw error;
    throw new RunStoreOpenError(file, (error as Error).message, { cause: error });
  }
}

/**
 * For tests of migrations: creates the database `file` with the schema of
 * `version` (only the migrations up to it), as that version of weft would.
 */
export function createDatabaseAtVersion(file: string, version: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const db = connect(file, 1000);
  try {
    for (let v = 0; v < version; v++) MIGRATIONS[v]!(db);
    db.exec(`PRAGMA user_version = ${version}`);
  } finally {
    db.close();
  }
}

function migrate(db: DatabaseSync, file: string): void {
  const seen = userVersion(db);
  if (seen > SCHEMA_VERSION) throw new RunStoreTooNewError(file, seen, SCHEMA_VERSION);
  if (seen === SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    // Another process may have migrated while this one waited for the lock.
    const version = userVersion(db);
    if (version > SCHEMA_VERSION) throw new RunStoreTooNewError(file, version, SCHEMA_VERSION);
    for (let v = version; v < SCHEMA_VERSION; v++) MIGRATIONS[v]!(db);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
