/**
 * @module
 * The embedded run store: SQLite (`node:sqlite`) in one file, in WAL mode
 * with `synchronous=NORMAL` and a busy timeout, so that several processes
 * can use it at once (a running run, `weft runs` in another terminal).
 *
 * Writes go through a worker thread (`write-worker.ts`) fed by each run's
 * writer (`writer.ts`) in compact batches, one transaction per batch; the
 * calling thread only encodes events. Queries (`queries.ts`), `openRun`
 * (`open-run.ts`) and the upkeep (`clearCache`, `deleteRuns`:
 * `cleanup.ts`) use the calling thread's own connection; cache lookups
 * use a second one, which keeps its snapshot through a burst of lookups
 * (`cache-reader.ts`). The schema is in `schema.ts`, the per-task event
 * encoding in `history.ts`.
 *
 * Disposing the store flushes its open writers and leaves their runs
 * `running` (as a crash would; a resume takes them up). A writer never
 * closed does not keep the process alive: the worker is referenced only
 * while it has batches to write, and what is still queued when the
 * process is about to exit is posted then (`beforeExit`).
 */
import { resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import {
  RunAlreadyOpenError,
  RunNotFoundError,
  RunStoreClosedError,
  RunStoreWriteError,
} from '../../errors/store.ts';
import { RunStoreCleanupError } from '../../errors/store-cleanup.ts';
import { checkClearCache, checkDeleteRuns, checkExceptRuns } from '../run-cleanup.ts';
import type {
  ArtifactHashesOptions,
  AttemptRecord,
  CachedEntry,
  ClearCacheOptions,
  DeleteRunsOptions,
  EventQuery,
  LogQuery,
  RunInfo,
  RunQuery,
  RunRecord,
  RunStore,
  RunWriter,
  StoredEvent,
  StoredLog,
  StoredResult,
  TaskQuery,
  TaskRecord,
} from '../run-store.ts';
import {
  checkEventQuery,
  checkLogQuery,
  checkResumes,
  checkRunId,
  checkRunQuery,
  checkTaskId,
  checkTaskQuery,
} from '../run-store-errors.ts';
import { CacheReader } from './cache-reader.ts';
import { WriteChannel } from './channel.ts';
import { clearKeys, deleteEnded, referencedHashes } from './cleanup.ts';
import { recordOpen } from './open-run.ts';
import { SqliteQueries } from './queries.ts';
import { openDatabase } from './schema.ts';
import { SqliteRunWriter, type WriterHost } from './writer.ts';

export interface SqliteRunStoreOptions {
  /** How long a write waits for another connection's lock, in milliseconds. @default 10000 */
  readonly busyTimeoutMs?: number;
  /** The longest an event waits in its writer before its batch is sent to be written, in ms. @default 50 */
  readonly batchMs?: number;
}

/** The errors `openRun` throws as they are; any other is a failed write. */
const PASSED_THROUGH: ReadonlySet<string> = new Set([
  'WEFT_STORE_BAD_INPUT',
  'WEFT_RUN_CLAIMED',
  'WEFT_RUN_NOT_FOUND',
  'WEFT_STORE_RUN_OPEN',
]);

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidOptionError(
      `${name} must be an integer of at least 0, not ${describeValue(value)}`,
    );
  }
  return value;
}

/** A run store in a SQLite file. */
export class SqliteRunStore implements RunStore {
  readonly location: string;
  readonly #db: DatabaseSync;
  readonly #queries: SqliteQueries;
  readonly #cacheReader: CacheReader;
  readonly #busyTimeoutMs: number;
  readonly #batchMs: number;
  #host: WriterHost | undefined;
  readonly #writers = new Map<string, SqliteRunWriter>();
  #closed = false;
  #disposing: Promise<void> | undefined;
  readonly #beforeExit = (): void => {
    for (const writer of this.#writers.values()) writer.post();
  };

  constructor(path: string, options: SqliteRunStoreOptions = {}) {
    if (
      typeof path !== 'string' ||
      path === '' ||
      path === ':memory:' ||
      path.startsWith('file:')
    ) {
      throw new InvalidOptionError(
        `a SQLite run store needs a file path, not ${describeValue(path)} (for a store in memory, use createMemoryRunStore())`,
      );
    }
    this.location = resolve(path);
    this.#busyTimeoutMs = positive('busyTimeoutMs', options.busyTimeoutMs, 10_000);
    this.#batchMs = positive('batchMs', options.batchMs, 50);
    this.#db = openDatabase(this.location, this.#busyTimeoutMs);
    this.#queries = new SqliteQueries(this.#db);
    this.#cacheReader = new CacheReader(this.location, this.#busyTimeoutMs);
  }

  openRun(info: RunInfo): RunWriter {
    this.#open();
    checkRunId(info.id);
    checkResumes(info);
    const writing = this.#writers.has(info.id);
    // A claim is checked first (in the transaction), as another process would see it.
    if (writing && info.resumes === undefined) {
      throw new RunAlreadyOpenError(info.id, this.location);
    }
    let opened: { key: number; session: number };
    try {
      opened = recordOpen(this.#db, info, { location: this.location, writing });
    } catch (error) {
      if (PASSED_THROUGH.has((error as { code?: string }).code ?? '')) throw error;
      throw new RunStoreWriteError(this.location, info.id, (error as Error).message);
    }
    const host = this.#writerHost();
    const writer = new SqliteRunWriter(host, info.id, opened.key, opened.session);
    this.#writers.set(info.id, writer);
    host.channel.post({ t: 'open', id: 0, key: opened.key, runId: info.id });
    return writer;
  }

  continueRun(runId: string): RunWriter {
    this.#open();
    checkRunId(runId);
    if (this.#writers.has(runId)) throw new RunAlreadyOpenError(runId, this.location);
    let row: { key: number; sessions: number } | undefined;
    try {
      row = this.#db.prepare('SELECT key, sessions FROM runs WHERE id = ?').get(runId) as
        | { key: number; sessions: number }
        | undefined;
    } catch (error) {
      throw new RunStoreWriteError(this.location, runId, (error as Error).message);
    }
    if (row === undefined) throw new RunNotFoundError(runId, this.location);
    const host = this.#writerHost();
    const writer = new SqliteRunWriter(host, runId, row.key, row.sessions);
    this.#writers.set(runId, writer);
    host.channel.post({ t: 'open', id: 0, key: row.key, runId });
    return writer;
  }

  runs(query?: RunQuery): RunRecord[] {
    this.#open();
    return this.#queries.runs(checkRunQuery(query));
  }

  run(idOrPrefix: string): RunRecord | undefined {
    this.#open();
    return this.#queries.run(idOrPrefix);
  }

  tasks(runId: string, query?: TaskQuery): TaskRecord[] {
    this.#open();
    return this.#queries.tasks(runId, checkTaskQuery(query));
  }

  task(runId: string, taskId: number): TaskRecord | undefined {
    this.#open();
    checkTaskId(taskId);
    return this.#queries.task(runId, taskId);
  }

  attempts(runId: string, taskId: number): AttemptRecord[] {
    this.#open();
    checkTaskId(taskId);
    return this.#queries.attempts(runId, taskId);
  }

  events(runId: string, query?: EventQuery): StoredEvent[] {
    this.#open();
    return this.#queries.events(runId, checkEventQuery(query));
  }

  logs(runId: string, query?: LogQuery): StoredLog[] {
    this.#open();
    return this.#queries.events(runId, checkLogQuery(query)) as StoredLog[];
  }

  result(runId: string, taskId: number): StoredResult | undefined {
    this.#open();
    checkTaskId(taskId);
    return this.#queries.result(runId, taskId);
  }

  runResult(runId: string): StoredResult | undefined {
    this.#open();
    return this.#queries.runResult(runId);
  }

  findCached(cacheKey: string): CachedEntry | undefined {
    this.#open();
    return this.#cacheReader.findCached(cacheKey);
  }

  findCachedMany(cacheKeys: readonly string[]): Map<string, CachedEntry> {
    this.#open();
    return this.#cacheReader.findCachedMany(cacheKeys);
  }

  requestCancel(runId: string, reason: string): void {
    this.#open();
    let changes: number | bigint;
    try {
      changes = this.#db
        .prepare('UPDATE runs SET cancel_requested = ? WHERE id = ?')
        .run(String(reason), runId).changes;
    } catch (error) {
      throw new RunStoreWriteError(this.location, runId, (error as Error).message);
    }
    if (Number(changes) === 0) throw new RunNotFoundError(runId, this.location);
  }

  clearCache(options?: ClearCacheOptions): number {
    this.#open();
    const before = checkClearCache(options);
    this.#cacheReader.release();
    try {
      return clearKeys(this.#db, before);
    } catch (error) {
      throw new RunStoreCleanupError(
        this.location,
        'clearing the cache',
        (error as Error).message,
        {
          cause: error,
        },
      );
    }
  }

  deleteRuns(options: DeleteRunsOptions): string[] {
    this.#open();
    const { endedBefore, dryRun } = checkDeleteRuns(options);
    // A writer being closed stays in #writers until the worker has written its end.
    const writing = new Set(this.#writers.keys());
    this.#cacheReader.release();
    try {
      return deleteEnded(this.#db, endedBefore, writing, dryRun);
    } catch (error) {
      throw new RunStoreCleanupError(this.location, 'deleting runs', (error as Error).message, {
        cause: error,
      });
    } finally {
      if (!dryRun) this.#queries.forget();
    }
  }

  artifactHashes(options?: ArtifactHashesOptions): string[] {
    this.#open();
    return referencedHashes(this.#db, checkExceptRuns(options));
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.#disposing ??= this.#dispose();
    return this.#disposing;
  }

  async #dispose(): Promise<void> {
    this.#closed = true;
    // First, so that its snapshot does not hold back the worker's last checkpoint.
    this.#cacheReader.close();
    await Promise.all([...this.#writers.values()].map((writer) => writer.release()));
    if (this.#host !== undefined) {
      process.off('beforeExit', this.#beforeExit);
      await this.#host.channel.shutdown();
    }
    this.#db.close();
  }

  #open(): void {
    if (this.#closed) throw new RunStoreClosedError(this.location);
  }

  /** The writers' link to the worker, started with the first writer (again if it died). */
  #writerHost(): WriterHost {
    if (this.#host !== undefined && this.#host.channel.death === undefined) return this.#host;
    const channel = new WriteChannel(
      { file: this.location, busyTimeoutMs: this.#busyTimeoutMs },
      {
        failed: (key, message) => {
          for (const writer of this.#writers.values()) if (writer.key === key) writer.fail(message);
        },
        died: (message) => {
          for (const writer of this.#writers.values()) {
            if (writer.channel === channel) writer.fail(message);
          }
        },
      },
    );
    if (this.#host === undefined) process.on('beforeExit', this.#beforeExit);
    this.#host = {
      file: this.location,
      channel,
      batchMs: this.#batchMs,
      released: (writer) => {
        if (this.#writers.get(writer.runId) === writer) this.#writers.delete(writer.runId);
      },
      // Lookups after a flush or close see what it wrote.
      written: () => this.#cacheReader.release(),
    };
    return this.#host;
  }
}

/**
 * Opens (creating it and its directory when needed) the SQLite run store at `path`.
 * @example
 * await using store = openSqliteRunStore('.weft/weft.db');
 * const recent = store.runs({ limit: 10 }).map((run) => `${run.id} ${run.state}`);
 */
export function openSqliteRunStore(path: string, options?: SqliteRunStoreOptions): SqliteRunStore {
  return new SqliteRunStore(path, options);
}
