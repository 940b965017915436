/**
 * @module
 * A future inside a worker. `submit` in a worker reaches the coordinator by
 * message, so it cannot wait for the coordinator's answer: the future is
 * returned at once and learns its id (or that the coordinator refused the
 * submit) a moment later. Awaiting it asks the coordinator, which waits on
 * the run's own future on behalf of the awaiting task.
 *
 * Differences from `Future` in the coordinator, all documented: `id` throws
 * `FutureIdPendingError` until the coordinator answered (after any await it
 * has); `state` is the state last heard (at submit, then once awaited); a
 * submit the coordinator refuses (a duplicate label, say) rejects the
 * future, and fails the submitting task if it never awaited it.
 */
import { FutureNotDoneError } from '../errors/errors.ts';
import { FutureIdPendingError } from '../executor/pool/errors.ts';
import type { TaskState } from '../vocabulary/state.ts';
import { DONE_STATES as DONE } from '../vocabulary/state.ts';

/** What a worker future needs from its worker. */
export interface FutureLink {
  /** Asks the coordinator to answer once the future is done. */
  wait(future: WorkerFuture): void;
  cancel(future: WorkerFuture): void;
}

export class WorkerFuture<T = unknown> implements PromiseLike<T> {
  /** The worker's number for it, in messages. */
  readonly key: number;
  readonly runId: string;
  readonly label: string | undefined;
  readonly #name: string;
  readonly #link: FutureLink;
  #id = -1;
  #state: TaskState = 'pending';
  #outcome: { readonly ok: boolean; readonly value: unknown } | undefined;
  #promise: Promise<T> | undefined;
  #resolve: ((value: unknown) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #observed = false;
  #answered = false;
  #whenAnswered: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    link: FutureLink,
    key: number,
    name: string,
    label: string | undefined,
    runId: string,
  ) {
    this.#link = link;
    this.key = key;
    this.#name = name;
    this.label = label;
    this.runId = runId;
  }

  /** The task instance's id in the run; throws `FutureIdPendingError` until the coordinator answered. */
  get id(): number {
    if (this.#id < 0) throw new FutureIdPendingError(this.#name);
    return this.#id;
  }

  get state(): TaskState {
    return this.#state;
  }

  done(): boolean {
    return DONE.has(this.#state);
  }

  cancelled(): boolean {
    return this.#state === 'cancelled';
  }

  /** Asks the coordinator to cancel the task if it has not started; false when it is known to have. */
  cancel(): boolean {
    if (this.#state === 'running' || this.done()) return this.#state === 'cancelled';
    this.#link.cancel(this);
    return true;
  }

  result(): T {
    const outcome = this.#known();
    if (outcome.ok) return outcome.value as T;
    throw outcome.value;
  }

  exception(): Error | undefined {
    const outcome = this.#known();
    return outcome.ok ? undefined : (outcome.value as Error);
  }

  // biome-ignore lint/suspicious/noThenProperty: a future is awaitable by design.
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#observed = true;
    if (this.#promise === undefined) {
      const outcome = this.#outcome;
      if (outcome !== undefined) {
        this.#promise = outcome.ok
          ? Promise.resolve(outcome.value as T)
          : Promise.reject(outcome.value);
      } else {
        this.#promise = new Promise<T>((resolve, reject) => {
          this.#resolve = resolve as (value: unknown) => void;
          this.#reject = reject;
        });
        this.#link.wait(this);
      }
    }
    return this.#promise.then(onfulfilled, onrejected);
  }

  /** Resolves once the coordinator took or refused the submit; undefined when it has. */
  acked(): Promise<void> | undefined {
    if (this.#answered) return undefined;
    if (this.#whenAnswered === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.#whenAnswered = { promise, resolve };
    }
    return this.#whenAnswered.promise;
  }

  /** The coordinator took the submit (`error` undefined) or refused it. */
  ack(id: number, state: TaskState, error: Error | undefined): void {
    this.#answered = true;
    this.#whenAnswered?.resolve();
    if (error !== undefined) {
      this.settle(false, error, 'failed');
      return;
    }
    this.#id = id;
    if (this.#outcome === undefined) this.#state = state;
  }

  /** The task is done: its value, or its error. */
  settle(ok: boolean, value: unknown, state: TaskState): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = { ok, value };
    this.#state = state;
    if (ok) this.#resolve?.(value);
    else this.#reject?.(value);
  }

  /** The error of a refused submit that nobody awaited: it fails the submitting task. */
  unobservedRefusal(): Error | undefined {
    return !this.#observed && this.#id < 0 && this.#outcome?.ok === false
      ? (this.#outcome.value as Error)
      : undefined;
  }

  toString(): string {
    return `Future(${this.#name}#${this.#id < 0 ? '?' : this.#id}, ${this.#state})`;
  }

  #known(): { readonly ok: boolean; readonly value: unknown } {
    if (this.#outcome === undefined) {
      throw new FutureNotDoneError(
        `${this.#name}#${this.#id < 0 ? '?' : this.#id}`,
        `${this.#state} (as last heard in this worker)`,
      );
    }
    return this.#outcome;
  }
}
