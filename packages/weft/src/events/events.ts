/**
 * @module
 * The run's events: every state change of every task, log records, and the
 * run's start and end. The run store, the terminal display and the web page
 * all listen to this one stream. Events are plain data (structured-cloneable).
 */

import type { LogFields, LogLevel } from '../api/logger.ts';
import type { SerializedError } from '../errors/base.ts';

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
}
export interface TaskReady extends TaskEventBase {
  readonly type: 'ready';
}
export interface TaskStarted extends TaskEventBase {
  readonly type: 'started';
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

export type TaskEvent =
  | TaskSubmitted
  | TaskReady
  | TaskStarted
  | TaskRetrying
  | TaskSucceeded
  | TaskFailed
  | TaskUpstreamFailed
  | TaskCancelled;

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
