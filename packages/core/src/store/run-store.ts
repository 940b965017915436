/**
 * @module
 * The run store seam: where every run is remembered. The engine writes each
 * run's events through a `RunWriter`; the CLI and the web page read through
 * the query methods. Two implementations: SQLite (the embedded default) and
 * memory (tests, throwaway runs).
 *
 * Contract (checked by `runRunStoreContract` in `@weft/core/testing`):
 * - `openRun(info)` creates the run's record in state `running`, or, when the
 *   run id is already recorded (a resume), marks it `running` again, counts a
 *   new session, and turns every task the earlier session left unfinished
 *   (pending, ready, running) into `cancelled` with reason `interrupted`.
 *   A resume keeps the run's info as first recorded except its host and
 *   pid (the resuming process's) and its `executorConfig` (replaced when the
 *   resuming `info` gives one); it clears the run's result, starts the
 *   session's counts afresh, and sets `sessionStartedAt` to the resuming
 *   `info.startedAt` and `sessionFirstTask` to the highest recorded task id + 1.
 * - A claim (`info.resumes` given): `openRun` continues the recorded run only
 *   if its `sessions` is still `resumes`, checked and counted in one atomic
 *   step (across processes for a store that persists); otherwise it throws
 *   `RunClaimedError` (naming the session, host and pid that claimed the run)
 *   and changes nothing. A claim of a run that is not recorded throws
 *   `RunNotFoundError`. The claim is checked before `RunAlreadyOpenError`.
 * - `info.executorConfig` must be storable as JSON (no cycles, functions,
 *   symbols or bigints), else `openRun` throws `RunStoreInputError`; it is
 *   read back as its JSON round trip.
 * - `continueRun(runId)` returns a writer that appends to the recorded run's
 *   latest session, as the writer that opened it would: no new session,
 *   nothing turned `cancelled`, the run's info, state and counts unchanged
 *   until events change them. It is for runs whose tasks end after the
 *   process that recorded them exited (a whole graph handed to a batch
 *   system). It throws `RunNotFoundError` for a run that is not recorded, and
 *   `RunAlreadyOpenError` when this store object writes the run already.
 * - `RunWriter.event()`, `.transition()` (optional: `ready`, `started` and
 *   `succeeded` given as fields, stored as the same events) and `.result()`
 *   are synchronous and cheap: they queue;
 *   writing happens in batches. A batch is written atomically (all of it or
 *   none of it). What was written is never left inconsistent by a crash;
 *   at most the batches not yet written are lost. A store may hold a task's
 *   first events (`submitted`, `ready`, `started`) back for up to a second,
 *   so that a task is written once (the SQLite store does): they then come
 *   later in the run's order than written, never earlier, still before the
 *   task's later events, and never after an event of a task naming it as
 *   parent or dependency. A crash may lose what was held back.
 * - `flush()` resolves once everything queued before it is visible to the
 *   query methods (of this store object and of any other opened on the same
 *   location; another's cache lookups within a second, see `findCached`). `close(state, result?)` flushes, records the run's final
 *   state, end time and result (what its main returned; `runResult` reads
 *   it back, `hasResult` says it is there), and releases the writer;
 *   events after it are ignored.
 * - A task's record is the fold of its events: `submitted` creates it (name,
 *   label, parent, ordinal, deps, argsHash, requirements, submittedAt);
 *   `started` sets startedAt, attempts and worker; `succeeded`, `failed`,
 *   `upstream_failed`, `cancelled` and `cached` set state, endedAt and error;
 *   `retrying` puts it back to `pending`; `result()` stores its result and
 *   cache key. `events(runId, { taskId })` returns that task's events in the
 *   order they were written, equal (deeply) to what was written plus `seq`.
 * - A run's `counts` are those of its latest session's tasks (ids from
 *   `sessionFirstTask` on); the earlier sessions' tasks stay in `tasks()`
 *   (all of them, or `session: 'latest'` for the latest session's only).
 * - `state` is derived when read: a run recorded as `running` whose host is
 *   this machine, whose pid is not this process's and whose process is gone
 *   is `interrupted` (`close` never records that state); `runs({ state })`
 *   filters on the derived state.
 * - `activeMs`: the time the run's sessions ran. Each ended session counts
 *   from its start to its end (for a session that was interrupted, to its
 *   last recorded activity, `lastActiveAt`: the time the last batch was
 *   written); the latest session of a run still running counts up to now,
 *   of an interrupted run up to `lastActiveAt`. The gaps between sessions
 *   do not count.
 * - Queries return plain data, newest runs first, tasks in id order, events
 *   and logs in write order as above (`seq` increasing, without gaps, within
 *   a run). Filters and
 *   paging (`limit`, `offset`, `afterSeq`) apply in the store, not after.
 * - `findCached(key)` returns the newest succeeded or cached task recorded
 *   with that cache key and a result, from any run: of the run opened last,
 *   the highest task id. `findCachedMany(keys)` answers the same for many
 *   keys at once, as one read (a map from each key found to what
 *   `findCached` returns for it; keys not found are absent). Lookups that
 *   come in a burst may be answered from one read snapshot, renewed at
 *   least once a second and after any pause (the SQLite store does): what
 *   another store object recorded less than a second before may not be
 *   found yet (a miss: the task runs), while what this store object's own
 *   writers flushed or closed is, as `flush()` promises.
 * - `clearCache({ before })` forgets the cache keys of the tasks recorded in
 *   the runs that started (`startedAt`) before `before` (epoch ms; every run
 *   when it is left out): `findCached` no longer finds them and their
 *   records' `cacheKey` reads undefined; their results, records and events
 *   stay. It returns how many task records lost their key. It applies to
 *   what is recorded when it is called, runs being written included; what a
 *   writer records after it (a SQLite writer's queued results too) keeps its key.
 * - `deleteRuns({ endedBefore })` deletes every run that is not running and
 *   ended before `endedBefore` (epoch ms): `succeeded`, `failed` and
 *   `cancelled` runs by their `endedAt`, `interrupted` ones by their
 *   `lastActiveAt`. A run that reads as `running` (its process alive, or on
 *   another host) and a run with a writer open in this store object are
 *   never deleted. A deleted run is gone with everything recorded of it
 *   (tasks, results, events, logs) from every query, all of it or none of it
 *   (one transaction for SQLite). It returns the deleted runs' ids, oldest
 *   (`startedAt`) first; with `dryRun`, the ids it would delete, deleting nothing.
 * - `artifactHashes({ exceptRuns })` returns the distinct artifact hashes the
 *   store's records reference (tasks' and runs' results stored as
 *   artifacts), sorted, not counting the runs named in `exceptRuns`: what
 *   garbage collection of the artifact store must keep.
 * - `[Symbol.asyncDispose]()` closes open writers (flushing) and the store; idempotent.
 */
import type { SerializedError } from '../errors/base.ts';
import type { LogEvent, PlainTransitionHandler, RunEvent, TaskEvent } from '../events/events.ts';
import type { TaskState } from '../vocabulary/state.ts';

/**
 * A run's state. `interrupted` is never recorded: it is how a run recorded
 * as `running` reads when its process (on this machine) is gone.
 */
export type RunState = 'running' | 'interrupted' | 'succeeded' | 'failed' | 'cancelled';

/** What the engine knows of a run when it starts. */
export interface RunInfo {
  readonly id: string;
  /** Absolute path of the workflow module (what `weft resume` imports), if known. */
  readonly workflow: string | undefined;
  readonly mode: string | undefined;
  readonly executor: string;
  readonly params: Readonly<Record<string, unknown>> | undefined;
  /** The run whose results this one reuses (`rerun --from-failure`). */
  readonly rerunOf: string | undefined;
  readonly cwd: string;
  readonly host: string;
  readonly pid: number;
  /** When the run started; for a resume, when this session started. */
  readonly startedAt: number;
  /**
   * A claim, for a resume: the `sessions` the run had when the caller
   * decided to resume it. The run is continued only if that is still its
   * count; otherwise `openRun` throws `RunClaimedError`.
   */
  readonly resumes?: number;
  /**
   * How the executor was chosen, as JSON-serializable data (a kind such as
   * `'processes'`, or `{ kind: 'processes', max: 1 }`). A resume keeps the
   * recorded one unless it gives another.
   */
  readonly executorConfig?: unknown;
}

/** A run as the store remembers it. */
export interface RunRecord extends Omit<RunInfo, 'resumes' | 'executorConfig'> {
  /** As recorded, except `interrupted`: recorded `running`, its process gone. */
  readonly state: RunState;
  readonly endedAt: number | undefined;
  /** The executor's description as recorded (its JSON round trip), or undefined. */
  readonly executorConfig: unknown;
  /** 1, plus one per resume. */
  readonly sessions: number;
  /** When the latest session started (`startedAt` of its `openRun`). */
  readonly sessionStartedAt: number;
  /** The first task id of the latest session (0 for the first session). */
  readonly sessionFirstTask: number;
  /** The last recorded activity: when the run's last batch was written (or it was opened). */
  readonly lastActiveAt: number;
  /** How long the run's sessions ran, in ms, without the gaps between them. */
  readonly activeMs: number;
  /** How many of the latest session's tasks are in each state. */
  readonly counts: Readonly<Record<TaskState, number>>;
  /** True when the run's own result (what its main returned) is stored. */
  readonly hasResult: boolean;
  /** Set by `requestCancel` from another process; the running run polls it. */
  readonly cancelRequested: string | undefined;
}

/** A task instance as the store remembers it. */
export interface TaskRecord {
  readonly runId: string;
  readonly id: number;
  /** The submitting task, or -1 for the run's main function. */
  readonly parentId: number;
  readonly name: string;
  readonly label: string | undefined;
  /** Position among the parent's submissions of a task with this name (0, 1, ...). */
  readonly ordinal: number;
  readonly deps: readonly number[];
  /** Hash of the arguments that are not futures; undefined when they could not be hashed. */
  readonly argsHash: string | undefined;
  readonly state: TaskState;
  readonly attempts: number;
  readonly requirements: Readonly<Record<string, number>> | undefined;
  readonly submittedAt: number;
  readonly startedAt: number | undefined;
  readonly endedAt: number | undefined;
  readonly worker: string | undefined;
  readonly cacheKey: string | undefined;
  /** True when a result is stored (inline or as an artifact). */
  readonly hasResult: boolean;
  /** The error of a failed task, or why it was cancelled / did not run. */
  readonly error: SerializedError | undefined;
  /** For `cached`: the run and task whose result it took. */
  readonly cachedFrom: { readonly runId: string; readonly taskId: number } | undefined;
}

/** One attempt of a task, derived from its events. */
export interface AttemptRecord {
  readonly attempt: number;
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  readonly outcome: 'running' | 'succeeded' | 'failed' | 'retrying' | 'cancelled';
  readonly error: SerializedError | undefined;
  readonly worker: string | undefined;
}

/** A serialized result: bytes kept in the store, or a reference to an artifact. */
export type StoredResult =
  | { readonly kind: 'inline'; readonly bytes: Uint8Array }
  | { readonly kind: 'artifact'; readonly hash: string; readonly size: number };

export type StoredEvent = RunEvent & { readonly seq: number };
export type StoredLog = LogEvent & { readonly seq: number };

export interface Page {
  /** @default 100 */
  readonly limit?: number;
  /** @default 0 */
  readonly offset?: number;
}

export interface RunQuery extends Page {
  readonly state?: RunState;
  readonly workflow?: string;
}

export interface TaskQuery extends Page {
  readonly states?: readonly TaskState[];
  /** `'latest'`: only the latest session's tasks (ids from `sessionFirstTask`). */
  readonly session?: 'latest';
  /** Tasks whose name or label contains this text. */
  readonly name?: string;
}

export interface EventQuery {
  readonly taskId?: number;
  readonly types?: readonly RunEvent['type'][];
  /** Only events with a larger `seq`. */
  readonly afterSeq?: number;
  /** @default 1000 */
  readonly limit?: number;
}

export interface LogQuery {
  /** -1 for records written outside any task. */
  readonly taskId?: number;
  readonly afterSeq?: number;
  /** @default 1000 */
  readonly limit?: number;
}

/** Writes one run's events. Everything is queued and written in batches. */
export interface RunWriter {
  readonly runId: string;
  /** The session this writer records (1 for a new run). */
  readonly session: number;
  event(event: RunEvent): void;
  /**
   * Optional: the same as `event` with the event of a `ready`, `started` or
   * `succeeded` transition, given as its fields, so that the run need not
   * build the object. What is stored and read back is the same.
   */
  readonly transition?: PlainTransitionHandler;
  /**
   * The result (and cache key) of a task that succeeded or was cached.
   * Inline bytes are copied before it returns: the caller may reuse them.
   */
  result(taskId: number, result: StoredResult | undefined, cacheKey: string | undefined): void;
  /** Resolves once everything queued so far can be read back. */
  flush(): Promise<void>;
  /**
   * Flushes, records the final state, end time and the run's own result
   * (what its main returned, serialized like a task's), and stops writing.
   */
  close(state: RunState, result?: StoredResult): Promise<void>;
  /**
   * Stops writing without recording a final state (what is queued is still
   * written): the run goes on elsewhere, and `continueRun` writes it later.
   */
  release(): void | Promise<void>;
}

/** A cache hit: the task recorded with the key, and its result. */
export interface CachedEntry {
  readonly runId: string;
  readonly taskId: number;
  readonly result: StoredResult;
}

export interface RunStore extends AsyncDisposable {
  /** Where the store lives, for messages (`/repo/.weft/weft.db`, `memory`). */
  readonly location: string;
  openRun(info: RunInfo): RunWriter;
  /** A writer that appends to a recorded run's latest session (see the contract). */
  continueRun(runId: string): RunWriter;
  runs(query?: RunQuery): RunRecord[];
  /** A run by id, or by a prefix of its id when only one run has it. */
  run(idOrPrefix: string): RunRecord | undefined;
  tasks(runId: string, query?: TaskQuery): TaskRecord[];
  task(runId: string, taskId: number): TaskRecord | undefined;
  attempts(runId: string, taskId: number): AttemptRecord[];
  events(runId: string, query?: EventQuery): StoredEvent[];
  logs(runId: string, query?: LogQuery): StoredLog[];
  result(runId: string, taskId: number): StoredResult | undefined;
  /** The run's own result, as its writer's `close` stored it. */
  runResult(runId: string): StoredResult | undefined;
  findCached(cacheKey: string): CachedEntry | undefined;
  findCachedMany(cacheKeys: readonly string[]): Map<string, CachedEntry>;
  /** Asks a run (in another process) to cancel; it sees the request within a second. */
  requestCancel(runId: string, reason: string): void;
  /**
   * Forgets the cache keys of the tasks of runs started before `before`
   * (all runs without it); returns how many task records lost their key.
   */
  clearCache(options?: ClearCacheOptions): number;
  /** Deletes the runs that ended before `endedBefore` (never a running one); returns their ids, oldest first. */
  deleteRuns(options: DeleteRunsOptions): string[];
  /** The distinct artifact hashes the records reference, sorted (for garbage collection). */
  artifactHashes(options?: ArtifactHashesOptions): string[];
}

export interface ClearCacheOptions {
  /** Only runs that started before this time (epoch ms). @default every run */
  readonly before?: number;
}

export interface DeleteRunsOptions {
  /** Runs that ended (interrupted ones: were last active) before this time (epoch ms). */
  readonly endedBefore: number;
  /** Only say which runs would be deleted. @default false */
  readonly dryRun?: boolean;
}

export interface ArtifactHashesOptions {
  /** Runs whose records are not counted (the ones a dry run of `deleteRuns` named). @default none */
  readonly exceptRuns?: readonly string[];
}

export type { TaskEvent };
