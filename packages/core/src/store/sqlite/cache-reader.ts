/**
 * @module
 * Cache lookups on a connection of their own, which keeps one read
 * snapshot while lookups come in a burst (a re-run asks for thousands of
 * keys, 512 at a time). SQLite drops a connection's page cache whenever it
 * starts a read after another connection committed, and the run's writer
 * commits between every two batches of lookups: each batch would read its
 * pages again. Held across the burst, the pages are read once.
 *
 * The snapshot is let go when no lookup came for `IDLE_MS`, and renewed
 * when it is older than `HOLD_MS`, so a lookup sees what was committed at
 * most that long before it (another process's results, a result of this
 * run), and the writer's checkpoints are held back no longer than that.
 * The store lets it go before it changes what lookups read (`clearCache`,
 * `deleteRuns`).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CachedEntry } from '../run-store.ts';
import { storedResult } from './run-rows.ts';
import { connect, TASK_KEY_SPAN } from './schema.ts';

/** A snapshot no lookup used for this long is let go, in ms. */
const IDLE_MS = 20;
/** A snapshot older than this is renewed at the next lookup, in ms. */
const HOLD_MS = 1000;
/** The connection's page cache, in KiB (a negative cache_size): the pages of a burst's keys stay. */
const CACHE_KIB = 65536;
/** The most keys one statement looks up. */
const CHUNK = 1000;

/*
 * A key's rows come oldest first: the last one is the newest (read forward:
 * seeking to the newest from the end costs SQLite twice as much). A key
 * rarely has more than one row: a hit is recorded without its key. Each
 * row is an array: [key's index, row key, run key, result_size, result,
 * result_hash].
 */
const ONE = `SELECT 0, key, run_key, result_size, result, result_hash
  FROM tasks INDEXED BY tasks_cache_key
  WHERE cache_key = ? AND state IN (3, 7) AND result_size >= 0
  ORDER BY key`;
const MANY = `SELECT j.key, t.key, t.run_key, t.result_size, t.result, t.result_hash
  FROM json_each(?) AS j
  CROSS JOIN tasks AS t INDEXED BY tasks_cache_key
    ON t.cache_key = j.value AND t.state IN (3, 7) AND t.result_size >= 0
  ORDER BY j.key, t.key`;
/** A run's id, read in the same snapshot as its rows: a deleted run's key may be given again. */
const RUN_ID = 'SELECT id FROM runs WHERE key = ?';

type Row = [number, number, number, number, Uint8Array | null, string | null];

interface Statements {
  readonly one: StatementSync;
  readonly many: StatementSync;
  readonly runId: StatementSync;
}

export class CacheReader {
  readonly #file: string;
  readonly #busyTimeoutMs: number;
  #db: DatabaseSync | undefined;
  #statements: Statements | undefined;
  #since = 0;
  #idle: NodeJS.Timeout | undefined;

  constructor(file: string, busyTimeoutMs: number) {
    this.#file = file;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  findCached(cacheKey: string): CachedEntry | undefined {
    const s = this.#snapshot();
    const rows = s.one.all(cacheKey) as unknown as Row[];
    return rows.length === 0 ? undefined : entry(rows[rows.length - 1]!, s, new Map());
  }

  findCachedMany(cacheKeys: readonly string[]): Map<string, CachedEntry> {
    const s = this.#snapshot();
    const found = new Map<string, CachedEntry>();
    const runIds = new Map<number, string | undefined>();
    for (let at = 0; at < cacheKeys.length; at += CHUNK) {
      const chunk = cacheKeys.slice(at, at + CHUNK);
      const rows = s.many.all(JSON.stringify(chunk)) as unknown as Row[];
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        // Only the newest of a key's rows (the last of them) is taken.
        if (r + 1 < rows.length && rows[r + 1]![0] === row[0]) continue;
        const e = entry(row, s, runIds);
        if (e !== undefined) found.set(chunk[row[0]]!, e);
      }
    }
    return found;
  }

  /** Ends the snapshot: the next lookup reads what is committed by then. */
  release(): void {
    if (this.#db?.isTransaction) this.#db.exec('COMMIT');
  }

  close(): void {
    clearTimeout(this.#idle);
    this.release();
    this.#db?.close();
    this.#db = undefined;
  }

  #snapshot(): Statements {
    let db = this.#db;
    if (db === undefined) {
      db = connect(this.#file, this.#busyTimeoutMs);
      db.exec(`PRAGMA cache_size = -${CACHE_KIB}`);
      this.#db = db;
      this.#statements = {
        one: arrays(db, ONE),
        many: arrays(db, MANY),
        runId: db.prepare(RUN_ID),
      };
    }
    const now = performance.now();
    if (db.isTransaction && now - this.#since > HOLD_MS) db.exec('COMMIT');
    if (!db.isTransaction) {
      db.exec('BEGIN');
      this.#since = now;
    }
    if (this.#idle === undefined) {
      this.#idle = setTimeout(() => this.release(), IDLE_MS);
      this.#idle.unref();
    } else {
      this.#idle.refresh();
    }
    return this.#statements!;
  }
}

function arrays(db: DatabaseSync, sql: string): StatementSync {
  const statement = db.prepare(sql);
  statement.setReturnArrays(true);
  return statement;
}

function entry(
  row: Row,
  s: Statements,
  runIds: Map<number, string | undefined>,
): CachedEntry | undefined {
  const [, key, runKey, size, bytes, hash] = row;
  let runId = runIds.get(runKey);
  if (runId === undefined && !runIds.has(runKey)) {
    runId = (s.runId.get(runKey) as { id: string } | undefined)?.id;
    runIds.set(runKey, runId);
  }
  if (runId === undefined) return undefined;
  const result = storedResult({ result_size: size, result: bytes, result_hash: hash })!;
  return { runId, taskId: key - runKey * TASK_KEY_SPAN, result };
}
