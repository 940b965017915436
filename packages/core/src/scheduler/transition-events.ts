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

export function transitionEvent(
  base: TaskEventBase,
  to: number,
  detail: TransitionDetail | undefined,
): TaskEvent {
  switch (to) {
    case READY:
      return { ...base, type: 'ready' };
    case PENDING:
      return {
        ...base,
        type: 'retrying',
        error: serializeError(detail?.error),
        delayMs: detail?.delayMs ?? 0,
      };
    case RUNNING:
      return detail?.worker === undefined
        ? { ...base, type: 'started' }
        : { ...base, type: 'started', worker: detail.worker };
    case SUCCEEDED:
      return { ...base, type: 'succeeded' };
    case CACHED:
      return { ...base, type: 'cached', from: detail?.from, cacheKey: detail?.cacheKey };
    case FAILED:
      return { ...base, type: 'failed', error: serializeError(detail?.error) };
    case UPSTREAM_FAILED:
      return { ...base, type: 'upstream_failed', upstreamId: detail?.upstreamId ?? -1 };
    case CANCELLED:
      return { ...base, type: 'cancelled', reason: detail?.reason ?? 'cancelled' };
    default:
      throw new InternalError(`no event for state ${to}`);
  }
}
