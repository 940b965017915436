/**
 * @module
 * A task's record as the fold of its events, shared by the run stores (the
 * memory store folds as events arrive; the SQLite store folds a task's
 * stored events when it is read), so both give the same record:
 * - `submitted` starts the record afresh: name, label, parent, ordinal,
 *   deps, argsHash, requirements, submittedAt; state `pending`, no attempt.
 * - `ready` -> `ready`; `started` -> `running` with startedAt, attempts
 *   (the event's attempt) and worker; `retrying` -> `pending`.
 * - `succeeded`, `failed`, `upstream_failed`, `cancelled`, `cached` set the
 *   state, endedAt and error (the failure; for `upstream_failed` and
 *   `cancelled` a `WEFT_UPSTREAM_FAILED` / `WEFT_CANCELLED` error saying
 *   why it did not run), and `cached` its `cachedFrom`.
 * A task's first event, whatever it is, gives its name and label.
 */
import type { SerializedError } from '../errors/base.ts';
import type { TaskEvent } from '../events/events.ts';
import {
  CACHED,
  CANCELLED,
  FAILED,
  PENDING,
  READY,
  RUNNING,
  STATE_NAMES,
  SUCCEEDED,
  type TaskState,
  UPSTREAM_FAILED,
} from '../vocabulary/state.ts';
import type { TaskRecord } from './run-store.ts';

/** The reason of the `cancelled` event a resume gives the tasks the earlier session left unfinished. */
export const INTERRUPTED = 'interrupted';

/** The state (a code of `scheduler/state.ts`) a task is in after an event of each type. */
export const STATE_AFTER: Readonly<Record<TaskEvent['type'], number>> = {
  submitted: PENDING,
  ready: READY,
  started: RUNNING,
  retrying: PENDING,
  succeeded: SUCCEEDED,
  failed: FAILED,
  upstream_failed: UPSTREAM_FAILED,
  cancelled: CANCELLED,
  cached: CACHED,
};

/** True for the states a resume turns into `cancelled` (pending, ready, running). */
export function isUnfinished(state: number): boolean {
  return state === PENDING || state === READY || state === RUNNING;
}

/** The error a task cancelled for `reason` records. */
export function cancelledError(reason: string): SerializedError {
  return {
    name: 'CancelledError',
    code: 'WEFT_CANCELLED',
    message: `cancelled: ${reason}`,
    data: { reason },
  };
}

/** The error a task records that did not run because its input `upstreamId` did not succeed. */
export function upstreamFailedError(upstreamId: number): SerializedError {
  return {
    name: 'UpstreamFailedError',
    code: 'WEFT_UPSTREAM_FAILED',
    message: `did not run: its input #${upstreamId} did not succeed`,
    data: { upstreamId },
  };
}

/** How many tasks are in each state, from counts indexed by state code. */
export function countsByState(counts: ArrayLike<number>): Record<TaskState, number> {
  const out = {} as Record<TaskState, number>;
  for (let i = 0; i < STATE_NAMES.length; i++) out[STATE_NAMES[i]!] = counts[i] ?? 0;
  return out;
}

/** The record of one task, built event by event. */
export class TaskFold {
  name: string;
  label: string | undefined;
  parentId = -1;
  ordinal = 0;
  deps: readonly number[] = [];
  argsHash: string | undefined;
  requirements: Readonly<Record<string, number>> | undefined;
  submittedAt: number;
  state = PENDING;
  attempts = 0;
  startedAt: number | undefined;
  endedAt: number | undefined;
  worker: string | undefined;
  error: SerializedError | undefined;
  cachedFrom: { readonly runId: string; readonly taskId: number } | undefined;

  /** A fold that starts from the task's first event (applied separately). */
  constructor(first: TaskEvent) {
    this.name = first.name;
    this.label = first.label;
    this.submittedAt = first.time;
  }

  /** Folds one event of the task in. */
  apply(e: TaskEvent): void {
    switch (e.type) {
      case 'submitted':
        this.name = e.name;
        this.label = e.label;
        this.parentId = e.parentId;
        this.ordinal = e.ordinal;
        this.deps = e.deps;
        this.argsHash = e.argsHash;
        this.requirements = e.requirements;
        this.submittedAt = e.time;
        this.state = PENDING;
        this.attempts = 0;
        this.startedAt = undefined;
        this.endedAt = undefined;
        this.worker = undefined;
        this.error = undefined;
        this.cachedFrom = undefined;
        return;
      case 'ready':
      case 'retrying':
        this.state = STATE_AFTER[e.type];
        return;
      case 'started':
        this.state = RUNNING;
        this.startedAt = e.time;
        this.attempts = e.attempt;
        this.worker = e.worker;
        return;
      default:
        this.state = STATE_AFTER[e.type];
        this.endedAt = e.time;
        this.error =
          e.type === 'failed'
            ? e.error
            : e.type === 'upstream_failed'
              ? upstreamFailedError(e.upstreamId)
              : e.type === 'cancelled'
                ? cancelledError(e.reason)
                : undefined;
        this.cachedFrom = e.type === 'cached' ? e.from : undefined;
    }
  }

  /** The record as plain data (fresh arrays and objects, so callers cannot change the fold). */
  record(runId: string, id: number, cacheKey: string | undefined, hasResult: boolean): TaskRecord {
    return {
      runId,
      id,
      parentId: this.parentId,
      name: this.name,
      label: this.label,
      ordinal: this.ordinal,
      deps: [...this.deps],
      argsHash: this.argsHash,
      state: STATE_NAMES[this.state]!,
      attempts: this.attempts,
      requirements: this.requirements && { ...this.requirements },
      submittedAt: this.submittedAt,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      worker: this.worker,
      cacheKey,
      hasResult,
      error: this.error,
      cachedFrom: this.cachedFrom && { ...this.cachedFrom },
    };
  }
}
