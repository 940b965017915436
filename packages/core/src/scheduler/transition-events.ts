/**
 * @module
 * The event a state transition emits. Built only when someone listens.
 */

import { serializeError } from '../errors/base.ts';
import { InternalError } from '../errors/run.ts';
import type { TaskEvent, TaskEventBase } from '../events/events.ts';
import {
  CACHED,
  CANCELLED,
  FAILED,
  PENDING,
  READY,
  RUNNING,
  SUCCEEDED,
  UPSTREAM_FAILED,
} from '../vocabulary/state.ts';

/** What some transitions carry: the error, the retry delay, the upstream id, the reason. */
export interface TransitionDetail {
  readonly error?: unknown;
  readonly delayMs?: number;
  readonly upstreamId?: number;
  readonly reason?: string;
  /** For `cached`: where the result comes from and its cache key. */
  readonly from?: { readonly runId: string; readonly taskId: number };
  readonly cacheKey?: string;
  /** For `started`: where the attempt runs. */
  readonly worker?: string | undefined;
}

/**
 * The event of a transition to `to`, made of `base` (a fresh object, its
 * own: the event's fields are added to it rather than copied, one object
 * per event).
 */
export function transitionEvent(
  base: TaskEventBase,
  to: number,
  detail: TransitionDetail | undefined,
): TaskEvent {
  const e = base as unknown as Record<string, unknown>;
  switch (to) {
    case READY:
      e.type = 'ready';
      break;
    case PENDING:
      e.type = 'retrying';
      e.error = serializeError(detail?.error);
      e.delayMs = detail?.delayMs ?? 0;
      break;
    case RUNNING:
      e.type = 'started';
      if (detail?.worker !== undefined) e.worker = detail.worker;
      break;
    case SUCCEEDED:
      e.type = 'succeeded';
      break;
    case CACHED:
      e.type = 'cached';
      e.from = detail?.from;
      e.cacheKey = detail?.cacheKey;
      break;
    case FAILED:
      e.type = 'failed';
      e.error = serializeError(detail?.error);
      break;
    case UPSTREAM_FAILED:
      e.type = 'upstream_failed';
      e.upstreamId = detail?.upstreamId ?? -1;
      break;
    case CANCELLED:
      e.type = 'cancelled';
      e.reason = detail?.reason ?? 'cancelled';
      break;
    default:
      throw new InternalError(`no event for state ${to}`);
  }
  return e as unknown as TaskEvent;
}
