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
 * - `RunWriter.event()` and `.result()` are synchronous and cheap: they queue;
 *   writing happens in batches. A batch is written atomically (all of it or
 *   none of it). What was written is never left inconsistent by a crash;
 *   at most the batches not yet written are lost.
 * - `flush()` resolves once everything queued before it is visible to the
 *   query methods (of this store object and of any other opened on the same
 *   location). `close(state)` flushes, records the run's final state and end
 *   time, and releases the writer; events after it are ignored.
 * - A task's record is the fold of its events: `submitted` creates it (name,
 *   label, parent, ordinal, deps, argsHash, requirements, submittedAt);
 *   `started` sets startedAt, attempts and worker; `succeeded`, `failed`,
 *   `upstream_failed`, `cancelled` and `cached` set state, endedAt and error;
 *   `retrying` puts it back to `pending`; `result()` stores its result and
 *   cache key. `events(runId, { taskId })` returns that task's events in the
 *   order they were written, equal (deeply) to what was written plus `seq`.
 * - Queries return plain data, newest runs first, tasks in id order, events
 *   and logs in write order (`seq` increasing within a run). Filters and
 *   paging (`limit`, `offset`, `afterSeq`) apply in the store, not after.
 * - `findCached(key)` returns the newest succeeded or cached task recorded
 *   with that cache key and a result, from any run: of the run opened last,
 *   the highest task id.
 * - `[Symbol.asyncDispose]()` closes open writers (flushing) and the store; idempotent.
 */
import type { SerializedError } from '../errors/base.ts';
import type { LogEvent, RunEvent, TaskEvent } from '../events/events.ts';
import type { TaskState } from '../vocabulary/state.ts';

export type RunState = 'running' | 'succeeded' | 'failed' | 'cancelled';

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
  readonly startedAt: number;
}

/** A run as the store remembers it. */
export interface RunRecord extends RunInfo {
  readonly state: RunState;
  readonly endedAt: number | undefined;
  /** 1, plus one per resume. */
  readonly sessions: number;
  /** How many tasks are in each state. */
  readonly counts: Readonly<Record<TaskState, number>>;
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
  /** The result (and cache key) of a task that succeeded or was cached. */
  result(taskId: number, result: StoredResult | undefined, cacheKey: string | undefined): void;
  /** Resolves once everything queued so far can be read back. */
  flush(): Promise<void>;
  /** Flushes, records the final state and end time, and stops writing. */
  close(state: RunState): Promise<void>;
}

export interface RunStore extends AsyncDisposable {
  /** Where the store lives, for messages (`/repo/.weft/weft.db`, `memory`). */
  readonly location: string;
  openRun(info: RunInfo): RunWriter;
  runs(query?: RunQuery): RunRecord[];
  /** A run by id, or by a prefix of its id when only one run has it. */
  run(idOrPrefix: string): RunRecord | undefined;
  tasks(runId: string, query?: TaskQuery): TaskRecord[];
  task(runId: string, taskId: number): TaskRecord | undefined;
  attempts(runId: string, taskId: number): AttemptRecord[];
  events(runId: string, query?: EventQuery): StoredEvent[];
  logs(runId: string, query?: LogQuery): StoredLog[];
  result(runId: string, taskId: number): StoredResult | undefined;
  findCached(
    cacheKey: string,
  ): { readonly runId: string; readonly taskId: number; readonly result: StoredResult } | undefined;
  /** Asks a run (in another process) to cancel; it sees the request within a second. */
  requestCancel(runId: string, reason: string): void;
}

export type { TaskEvent };
