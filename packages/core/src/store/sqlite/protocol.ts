/**
 * @module
 * What the SQLite store's writer (calling thread) and its write worker say
 * to each other. Events cross as a compact batch, not as objects:
 * - `ints` (Int32Array): one record per event, `[code, ...fields]`, with
 *   strings as indexes into `strs` (-1 for undefined) and task names as
 *   indexes into the run's name table (new names travel in `names`);
 * - `times` (Float64Array): each record's time (a `retrying` record also
 *   its delay, an artifact result its size);
 * - `bytes`: the inline results, back to back.
 * The buffers are transferred, not copied. Record layouts (after `code`):
 * - task events: `taskId, attempt, name`, then by code: submitted
 *   `parentId, ordinal, label, argsHash, requirements(JSON), nDeps, ...deps`;
 *   started `worker`; retrying and failed `error(JSON)`; upstream_failed
 *   `upstreamId`; cancelled `reason`; cached `fromRunId, fromTaskId, cacheKey`.
 * - log: `taskId, attempt, level, message, fields(JSON)`.
 * - run_started: nothing; run_finished: `state`.
 * - result: `taskId, kind (0 none, 1 inline, 2 artifact), a, b, cacheKey`:
 *   inline bytes at `a` of length `b`; an artifact's hash is string `a`.
 */

import type { TaskEvent } from '../../events/events.ts';
import { TASK_EVENT_TYPES } from '../../events/events.ts';
import type { LogLevel } from '../../vocabulary/logger.ts';
import type { StoredResult } from '../run-store.ts';

export const C_SUBMITTED = 0;
export const C_READY = 1;
export const C_STARTED = 2;
export const C_RETRYING = 3;
export const C_SUCCEEDED = 4;
export const C_FAILED = 5;
export const C_UPSTREAM_FAILED = 6;
export const C_CANCELLED = 7;
export const C_CACHED = 8;
export const C_LOG = 9;
export const C_RUN_STARTED = 10;
export const C_RUN_FINISHED = 11;
export const C_RESULT = 12;

/** Task event types by code. */
export const TASK_TYPES: readonly TaskEvent['type'][] = TASK_EVENT_TYPES;

/** How many ints a task event record has before its variable part (code, taskId, attempt, name). */
export const TASK_HEAD = 4;

/** The ints after the head, by task event code (submitted: plus its deps). */
export const TASK_TAIL: readonly number[] = [6, 0, 1, 1, 0, 1, 1, 1, 3];

export const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
export const FINAL_STATES = ['succeeded', 'failed', 'cancelled'] as const;

export const RESULT_NONE = 0;
export const RESULT_INLINE = 1;
export const RESULT_ARTIFACT = 2;

/** What the worker needs to open its connection. */
export interface WorkerInit {
  readonly file: string;
  readonly busyTimeoutMs: number;
}

export interface BatchMessage {
  readonly t: 'batch';
  id: number;
  readonly key: number;
  readonly ints: Int32Array;
  readonly ni: number;
  readonly times: Float64Array;
  readonly nt: number;
  readonly strs: readonly string[];
  readonly names: readonly string[];
  readonly bytes: Uint8Array | undefined;
  /** Write every parked task of the run too (`flush()`, or the process exits). */
  readonly flush: boolean;
}

/** Start writing run `key` (its row is committed): load its counters and the session's first task. */
export interface OpenMessage {
  readonly t: 'open';
  id: number;
  readonly key: number;
  readonly runId: string;
}

/** Record the run's final state and result; the run's writer is gone after it. */
export interface CloseMessage {
  readonly t: 'close';
  id: number;
  readonly key: number;
  readonly state: string;
  readonly endedAt: number;
  /** The run's own result (inline bytes are the writer's copy, transferred). */
  readonly result: StoredResult | undefined;
}

/** Stop writing run `key` without recording a final state. */
export interface ReleaseMessage {
  readonly t: 'release';
  id: number;
  readonly key: number;
}

/** Only the acknowledgement: everything posted before it is written. */
export interface SyncMessage {
  readonly t: 'sync' | 'shutdown';
  id: number;
}

/** A worker started ahead of its store (`prestartWriteWorker`) opens its connection on this, first. */
export interface InitMessage extends WorkerInit {
  readonly t: 'init';
  id: number;
}

export type ToWorker =
  | InitMessage
  | BatchMessage
  | OpenMessage
  | CloseMessage
  | ReleaseMessage
  | SyncMessage;

export type FromWorker =
  | { readonly t: 'ack'; readonly id: number }
  | { readonly t: 'failed'; readonly key: number; readonly message: string };
