/**
 * @module
 * The run's events: every state change of every task, log records, and the
 * run's start and end. The run store, the terminal display and the web page
 * all listen to this one stream. Events are plain data (structured-cloneable).
 */

import type { SerializedError } from '../errors/base.ts';
import type { LogFields, LogLevel } from '../vocabulary/logger.ts';

/** What every task event carries. */
export interface TaskEventBase {
  readonly runId: string;
  readonly taskId: number;
  readonly name: string;
  readonly label: string | undefined;
  /** The attempt the event is about (0 before the first one starts). */
  readonly attempt: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

export interface TaskSubmitted extends TaskEventBase {
  readonly type: 'submitted';
  /** The task that submitted this one, or -1 for the run's main function. */
  readonly parentId: number;
  /** Ids of the tasks this one depends on. */
  readonly deps: readonly number[];
  /** Position among the parent's submissions of a task with this name (0, 1, ...). */
  readonly ordinal: number;
  /** Hash of the arguments that are not futures; undefined when they cannot be hashed. */
  readonly argsHash: string | undefined;
  /** What the task asked of the executor, when it asked. */
  readonly requirements: Readonly<Record<string, number>> | undefined;
}
/** The transitions a run may hand to its store as fields rather than as an event object. */
export type PlainTransition = 'ready' | 'started' | 'succeeded';

/**
 * Takes a plain transition as the fields of its event: the event is
 * `{ type, runId, taskId, name, label, attempt, time }`, with `worker` when
 * defined (`started` only).
 */
export type PlainTransitionHandler = (
  type: PlainTransition,
  taskId: number,
  attempt: number,
  name: string,
  label: string | undefined,
  time: number,
  worker: string | undefined,
) => void;

export interface TaskReady extends TaskEventBase {
  readonly type: 'ready';
}
export interface TaskStarted extends TaskEventBase {
  readonly type: 'started';
  /** Where the attempt runs (`thread 2`, `pid 4242`, a host), when the executor says. */
  readonly worker?: string;
}
export interface TaskRetrying extends TaskEventBase {
  readonly type: 'retrying';
  readonly error: SerializedError;
  readonly delayMs: number;
}
export interface TaskSucceeded extends TaskEventBase {
  readonly type: 'succeeded';
}
export interface TaskFailed extends TaskEventBase {
  readonly type: 'failed';
  readonly error: SerializedError;
}
export interface TaskUpstreamFailed extends TaskEventBase {
  readonly type: 'upstream_failed';
  /** The direct input that did not succeed. */
  readonly upstreamId: number;
}
export interface TaskCancelled extends TaskEventBase {
  readonly type: 'cancelled';
  readonly reason: string;
}

/** The task took a recorded result instead of running: a cache hit, or a result kept from the run it resumes. */
export interface TaskCached extends TaskEventBase {
  readonly type: 'cached';
  /** The run and task the result comes from. */
  readonly from: { readonly runId: string; readonly taskId: number } | undefined;
  readonly cacheKey: string | undefined;
}

export type TaskEvent =
  | TaskSubmitted
  | TaskReady
  | TaskStarted
  | TaskRetrying
  | TaskSucceeded
  | TaskFailed
  | TaskUpstreamFailed
  | TaskCancelled
  | TaskCached;

export interface LogEvent {
  readonly type: 'log';
  readonly runId: string;
  /** -1 for records not written by a task. */
  readonly taskId: number;
  readonly attempt: number;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields | undefined;
  readonly time: number;
}

export interface RunStarted {
  readonly type: 'run_started';
  readonly runId: string;
  readonly time: number;
}

export interface RunFinished {
  readonly type: 'run_finished';
  readonly runId: string;
  readonly state: 'succeeded' | 'failed' | 'cancelled';
  readonly time: number;
}

export type RunEvent = TaskEvent | LogEvent | RunStarted | RunFinished;

export type EventListener = (event: RunEvent) => void;

/**
 * The task event types. Their order is stored (the SQLite run store codes
 * events by position): add new types at the end, never reorder.
 */
export const TASK_EVENT_TYPES = [
  'submitted',
  'ready',
  'started',
  'retrying',
  'succeeded',
  'failed',
  'upstream_failed',
  'cancelled',
  'cached',
] as const satisfies readonly TaskEvent['type'][];

/** Every event type. */
export const EVENT_TYPES = [
  ...TASK_EVENT_TYPES,
  'log',
  'run_started',
  'run_finished',
] as const satisfies readonly RunEvent['type'][];
