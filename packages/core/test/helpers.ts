/**
 * @module
 * Small helpers shared by the test files: deferred promises, an event
 * recorder and a concurrency probe. No assertions live here.
 */
import type { RunEvent, TaskEvent } from '@weft/core';

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A promise with its resolve and reject functions. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves after `ms` milliseconds (a macrotask, so other tasks get to run). */
export function sleep(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise that never settles: for tasks that ignore their signal. */
export function never(): Promise<never> {
  return new Promise<never>(() => {});
}

/** Resolves when `signal` aborts, with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(signal.reason), { once: true }),
  );
}

function isTaskEvent(event: RunEvent): event is TaskEvent {
  return event.type !== 'log' && event.type !== 'run_started' && event.type !== 'run_finished';
}

/** Collects a run's events through `onEvent`. */
export function recorder() {
  const events: RunEvent[] = [];
  return {
    events,
    onEvent: (event: RunEvent): void => {
      events.push(event);
    },
    /** The task events of one task, in order. */
    of(taskId: number): TaskEvent[] {
      return events.filter((e): e is TaskEvent => isTaskEvent(e) && e.taskId === taskId);
    },
    /** The types of one task's events, in order. */
    typesOf(taskId: number): string[] {
      return this.of(taskId).map((e) => e.type);
    },
    /** Every task event of a type. */
    ofType<K extends TaskEvent['type']>(type: K): Extract<TaskEvent, { type: K }>[] {
      return events.filter((e): e is Extract<TaskEvent, { type: K }> => e.type === type);
    },
  };
}

/** Counts how many callers are inside at once. */
export function probe() {
  let now = 0;
  let max = 0;
  return {
    enter(): void {
      now++;
      max = Math.max(max, now);
    },
    leave(): void {
      now--;
    },
    get max(): number {
      return max;
    },
    get now(): number {
      return now;
    },
  };
}

/** What `fn` throws; fails when it returns normally. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** The error `promise` rejects with; fails when it resolves. */
export async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}
