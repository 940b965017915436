/**
 * @module
 * The task state machine: the states, their names, and which transitions are
 * allowed. The scheduler changes a state only through its one `transition`
 * function, which checks this table.
 */

export const PENDING = 0;
export const READY = 1;
export const RUNNING = 2;
export const SUCCEEDED = 3;
export const FAILED = 4;
export const UPSTREAM_FAILED = 5;
export const CANCELLED = 6;
export const CACHED = 7;

/** The states of a task instance, as users see them. */
export type TaskState =
  | 'pending'
  | 'ready'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'upstream_failed'
  | 'cancelled'
  | 'cached';

export const STATE_NAMES: readonly TaskState[] = [
  'pending',
  'ready',
  'running',
  'succeeded',
  'failed',
  'upstream_failed',
  'cancelled',
  'cached',
];

const N = STATE_NAMES.length;
const allowed = new Uint8Array(N * N);
function allow(from: number, ...to: number[]): void {
  for (const t of to) allowed[from * N + t] = 1;
}
allow(PENDING, READY, UPSTREAM_FAILED, CANCELLED, CACHED);
allow(READY, RUNNING, CANCELLED, CACHED);
// RUNNING -> PENDING is a retry, ready again once its backoff has passed.
allow(RUNNING, SUCCEEDED, FAILED, CANCELLED, PENDING);

/** True when the state machine allows `from -> to`. */
export function canTransition(from: number, to: number): boolean {
  return allowed[from * N + to] === 1;
}

/** True for states a task never leaves. */
export function isTerminal(state: number): boolean {
  return state >= SUCCEEDED;
}

/** The states a future is done in. */
export const DONE_STATES: ReadonlySet<TaskState> = new Set([
  'succeeded',
  'cached',
  'failed',
  'upstream_failed',
  'cancelled',
]);
