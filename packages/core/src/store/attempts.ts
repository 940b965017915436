/**
 * @module
 * A task's attempts, derived from its stored events (shared by the run
 * stores). Each `started` opens an attempt (its number, start time and
 * worker); `retrying`, `succeeded`, `failed` and `cancelled` end the open
 * one with that outcome, time and error. A task cancelled before it started,
 * cached or `upstream_failed` has no attempt; an attempt whose end was never
 * recorded is `running`.
 */
import type { RunEvent } from '../events/events.ts';
import type { AttemptRecord } from './run-store.ts';
import { cancelledError } from './task-fold.ts';

type Outcome = AttemptRecord['outcome'];

interface OpenAttempt {
  attempt: number;
  startedAt: number;
  endedAt: number | undefined;
  outcome: Outcome;
  error: AttemptRecord['error'];
  worker: string | undefined;
}

/** The attempts of one task, oldest first, from its events in write order (other events are skipped). */
export function attemptsOf(events: readonly RunEvent[]): AttemptRecord[] {
  const out: OpenAttempt[] = [];
  let open: OpenAttempt | undefined;
  const end = (time: number, outcome: Outcome, error: AttemptRecord['error']): void => {
    if (open === undefined) return;
    open.endedAt = time;
    open.outcome = outcome;
    open.error = error;
    open = undefined;
  };
  for (const e of events) {
    switch (e.type) {
      case 'started':
        end(e.time, 'cancelled', undefined);
        open = {
          attempt: e.attempt,
          startedAt: e.time,
          endedAt: undefined,
          outcome: 'running',
          error: undefined,
          worker: e.worker,
        };
        out.push(open);
        break;
      case 'retrying':
        end(e.time, 'retrying', e.error);
        break;
      case 'succeeded':
        end(e.time, 'succeeded', undefined);
        break;
      case 'failed':
        end(e.time, 'failed', e.error);
        break;
      case 'cancelled':
        end(e.time, 'cancelled', cancelledError(e.reason));
        break;
      default:
        break;
    }
  }
  return out;
}
