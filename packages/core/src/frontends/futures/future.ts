/**
 * @module
 * `Future<T>`: what `submit` returns at once. Awaitable, and an edge when
 * passed as an argument to another `submit`. A future is a small handle (an
 * id and its run); the run holds the state and the value.
 */
import { FutureNotDoneError } from '../../errors/errors.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import type { TaskState } from '../../vocabulary/state.ts';
import { DONE_STATES as DONE } from '../../vocabulary/state.ts';

/** What a future reads its state from: the run that owns it. */
export interface FutureHost {
  readonly runId: string;
  stateOf(id: number): TaskState;
  /** The value of a succeeded task. */
  resultOf(id: number): unknown;
  /** The error of a task that failed, did not run, or was cancelled. */
  errorOf(id: number): Error;
  describe(id: number): string;
  labelOf(id: number): string | undefined;
  /**
   * Calls one of the two when the task reaches a final state. `waiter` is the
   * id of the task of the same run that waits, if any (-1 otherwise).
   */
  wait(
    id: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    waiter: number,
    waiterAttempt: number,
  ): void;
  /** Cancels a task that has not started; false when it has. */
  cancelTask(id: number): boolean;
}

/** The eventual result of one submitted task. */
export class Future<T = unknown> implements PromiseLike<T> {
  /** The task instance's id: an integer, stable within its run. */
  readonly id: number;
  /** @internal */
  readonly host: FutureHost;

  constructor(host: FutureHost, id: number) {
    this.host = host;
    this.id = id;
  }

  /** The id of the run this future belongs to. */
  get runId(): string {
    return this.host.runId;
  }

  get state(): TaskState {
    return this.host.stateOf(this.id);
  }

  get label(): string | undefined {
    return this.host.labelOf(this.id);
  }

  /** True once the task reached a final state. */
  done(): boolean {
    return DONE.has(this.state);
  }

  /** True when the task was cancelled. */
  cancelled(): boolean {
    return this.state === 'cancelled';
  }

  /** Cancels the task if it has not started yet; returns whether it is cancelled. */
  cancel(): boolean {
    return this.host.cancelTask(this.id);
  }

  /**
   * The task's value: returned when it succeeded, thrown when it did not.
   * Throws `FutureNotDoneError` before the task is done (await the future to wait).
   */
  result(): T {
    const state = this.state;
    if (state === 'succeeded' || state === 'cached') return this.host.resultOf(this.id) as T;
    if (!DONE.has(state)) throw new FutureNotDoneError(this.host.describe(this.id), state);
    throw this.host.errorOf(this.id);
  }

  /** The task's error, or undefined when it succeeded. Throws `FutureNotDoneError` before it is done. */
  exception(): Error | undefined {
    const state = this.state;
    if (state === 'succeeded' || state === 'cached') return undefined;
    if (!DONE.has(state)) throw new FutureNotDoneError(this.host.describe(this.id), state);
    return this.host.errorOf(this.id);
  }

  // biome-ignore lint/suspicious/noThenProperty: a future is awaitable by design.
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const scope = submitScope.getStore();
    const mine = scope !== undefined && scope.runId === this.host.runId;
    return new Promise<T>((resolve, reject) => {
      this.host.wait(
        this.id,
        resolve as (v: unknown) => void,
        reject,
        mine ? scope.parentId : -1,
        mine ? scope.attempt : 0,
      );
    }).then(onfulfilled, onrejected);
  }

  toString(): string {
    return `Future(${this.host.describe(this.id)}, ${this.state})`;
  }
}
