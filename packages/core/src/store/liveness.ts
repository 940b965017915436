/**
 * @module
 * What a run's record derives when it is read, the same in every store:
 * whether a run recorded as `running` is in fact `interrupted` (its process
 * on this machine is gone), and how long its sessions ran (`activeMs`).
 */
import { hostname } from 'node:os';
import type { RunState } from './run-store.ts';

/**
 * True when the process `pid` on `host` is known to be gone: `host` is this
 * machine, `pid` is not this process, and signal 0 finds no such process
 * (ESRCH; EPERM means it exists under another user). Another host's
 * process cannot be checked from here, so it is never called gone.
 */
export function isGone(host: string, pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || host !== hostname()) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The state a run reads as: `interrupted` for one recorded `running` whose process is gone. */
export function readState(recorded: RunState, host: string, pid: number): RunState {
  return recorded === 'running' && isGone(host, pid) ? 'interrupted' : recorded;
}

/** What `activeMs` is computed from, as a store keeps it. */
export interface SessionTimes {
  /** The state as read (`readState`). */
  readonly state: RunState;
  /** The sum of the spans of the sessions before the latest. */
  readonly priorActiveMs: number;
  readonly sessionStartedAt: number;
  readonly endedAt: number | undefined;
  readonly lastActiveAt: number;
}

/**
 * The time a run's sessions ran: the earlier sessions' spans, plus the
 * latest session's, which ends at the run's end, at its last activity when
 * it was interrupted, or now while it runs. A span is never negative (a
 * clock set back).
 */
export function activeMs(t: SessionTimes, now = Date.now()): number {
  const end =
    t.state === 'running' ? now : t.state === 'interrupted' ? t.lastActiveAt : (t.endedAt ?? now);
  return t.priorActiveMs + Math.max(0, end - t.sessionStartedAt);
}

/** The span of the latest session as a resume closes it: to its end, else its last activity. */
export function sessionSpan(t: Omit<SessionTimes, 'state' | 'priorActiveMs'>): number {
  return Math.max(0, (t.endedAt ?? t.lastActiveAt) - t.sessionStartedAt);
}
