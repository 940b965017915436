/**
 * @module
 * The counting core the renderers share: each task's current state, the
 * number of tasks in each state, and (optionally) the running attempts. One
 * `record` per event, O(1), no strings built. Task ids are dense integers, so
 * states sit in a growable byte array; odd ids (negative, huge, fractional)
 * fall back to a Map rather than failing.
 */
import type { RunEvent, TaskStarted } from '../../events/events.ts';
import {
  CACHED,
  CANCELLED,
  FAILED,
  isTerminal,
  PENDING,
  READY,
  RUNNING,
  SUCCEEDED,
  UPSTREAM_FAILED,
} from '../../vocabulary/state.ts';

/** Ids below this live in the byte array; others in a Map. */
const DENSE_LIMIT = 1 << 25;

/** Counts of a run's tasks by state, updated from its events. */
export class Tally {
  /** Tasks in each state, indexed by the state constants of `scheduler/state.ts`. */
  readonly counts = [0, 0, 0, 0, 0, 0, 0, 0];
  /** Tasks seen. */
  total = 0;
  /** Tasks in a terminal state. */
  finished = 0;
  /** Bumped by every event: a renderer compares it to know whether to redraw. */
  version = 0;
  /** Time of `run_started`, if seen. */
  startTime: number | undefined;
  /** Time and state of `run_finished`, if seen. */
  endTime: number | undefined;
  finalState: 'succeeded' | 'failed' | 'cancelled' | undefined;
  /** The running attempts by task id, oldest first (insertion order), when tracked. */
  readonly running = new Map<number, TaskStarted>();
  readonly #trackRunning: boolean;
  /** State + 1 of each task id below DENSE_LIMIT; 0 = never seen. */
  #states = new Uint8Array(1024);
  #other = new Map<number, number>();

  constructor(trackRunning: boolean) {
    this.#trackRunning = trackRunning;
  }

  /** Updates the counts from one event. */
  record(e: RunEvent): void {
    this.version++;
    switch (e.type) {
      case 'submitted':
        this.#move(e.taskId, PENDING);
        return;
      case 'ready':
        this.#move(e.taskId, READY);
        return;
      case 'started':
        this.#move(e.taskId, RUNNING);
        if (this.#trackRunning) {
          this.running.delete(e.taskId); // a restart goes to the end: newest
          this.running.set(e.taskId, e);
        }
        return;
      case 'retrying':
        this.#move(e.taskId, PENDING);
        return;
      case 'succeeded':
        this.#move(e.taskId, SUCCEEDED);
        return;
      case 'failed':
        this.#move(e.taskId, FAILED);
        return;
      case 'upstream_failed':
        this.#move(e.taskId, UPSTREAM_FAILED);
        return;
      case 'cancelled':
        this.#move(e.taskId, CANCELLED);
        return;
      case 'cached':
        this.#move(e.taskId, CACHED);
        return;
      case 'run_started':
        this.startTime = e.time;
        return;
      case 'run_finished':
        this.endTime = e.time;
        this.finalState = e.state;
        return;
    }
  }

  /** Tasks pending or ready. */
  get queued(): number {
    return this.counts[PENDING]! + this.counts[READY]!;
  }

  #move(id: number, to: number): void {
    const dense = id >= 0 && id < DENSE_LIMIT && (id | 0) === id;
    const prev = dense ? (this.#states[id] ?? 0) : (this.#other.get(id) ?? 0);
    if (prev === to + 1) return;
    if (prev === 0) this.total++;
    else {
      this.counts[prev - 1]!--;
      if (isTerminal(prev - 1)) this.finished--;
      if (prev - 1 === RUNNING && this.#trackRunning) this.running.delete(id);
    }
    this.counts[to]!++;
    if (isTerminal(to)) this.finished++;
    if (!dense) this.#other.set(id, to + 1);
    else {
      if (id >= this.#states.length) this.#grow(id);
      this.#states[id] = to + 1;
    }
  }

  #grow(id: number): void {
    let size = this.#states.length;
    while (size <= id) size *= 2;
    const states = new Uint8Array(size);
    states.set(this.#states);
    this.#states = states;
  }
}

/** Tasks finished per second over a recent window, from samples taken on a timer. */
export class Rate {
  readonly #windowMs: number;
  #times: number[] = [];
  #values: number[] = [];

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }

  /** Records that `value` tasks had finished at `time`. */
  sample(time: number, value: number): void {
    this.#times.push(time);
    this.#values.push(value);
    // Keep one sample older than the window, so the window is always covered.
    while (this.#times.length > 2 && time - this.#times[1]! >= this.#windowMs) {
      this.#times.shift();
      this.#values.shift();
    }
  }

  /** Tasks per second over the window; 0 before two samples. */
  perSecond(): number {
    const n = this.#times.length;
    if (n < 2) return 0;
    const dt = this.#times[n - 1]! - this.#times[0]!;
    return dt > 0 ? ((this.#values[n - 1]! - this.#values[0]!) * 1000) / dt : 0;
  }
}
