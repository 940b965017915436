/**
 * @module
 * What a worker knows of the nodes its tasks submitted. A submit reaches the
 * coordinator by message, so the worker cannot wait for its answer: the
 * node gets a key here at once and learns its id (or that the coordinator
 * refused it) a moment later; awaiting it asks the coordinator, which waits
 * on the run's node on behalf of the awaiting task.
 *
 * As a task in a worker sees its futures: `id` throws
 * `FutureIdPendingError` until the coordinator answered (after any await it
 * has); `state` is the state last heard (a final one once the outcome
 * arrived); a submit the coordinator refuses (a duplicate label, say)
 * rejects the future, and fails the submitting task if it never awaited it.
 * A future is for the task that made it: once that task ends, the worker
 * forgets its nodes.
 */
import { FutureNotDoneError, UnknownNodeError } from '../errors/run.ts';
import { FutureIdPendingError } from '../errors/worker.ts';
import { DONE_STATES as DONE, type TaskState } from '../vocabulary/state.ts';

interface Entry {
  readonly name: string;
  readonly label: string | undefined;
  id: number;
  /** The state last heard. */
  state: TaskState;
  outcome: { readonly ok: boolean; readonly value: unknown } | undefined;
  answered: boolean;
  whenAnswered: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Awaited (so a refusal reaches the task through the await). */
  observed: boolean;
  /** A wait was sent to the coordinator. */
  asked: boolean;
  waiters: [(value: unknown) => void, (error: unknown) => void][];
}

export class WorkerNodes {
  readonly #entries = new Map<number, Entry>();
  #next = 1;

  /** A new node of task `name`; returns its key. */
  create(name: string, label: string | undefined): number {
    const key = this.#next++;
    this.#entries.set(key, {
      name,
      label,
      id: -1,
      state: 'pending',
      outcome: undefined,
      answered: false,
      whenAnswered: undefined,
      observed: false,
      asked: false,
      waiters: [],
    });
    return key;
  }

  #entry(key: number): Entry {
    const e = this.#entries.get(key);
    if (e === undefined) {
      throw new UnknownNodeError(
        'a future was used after the task that submitted it in this worker had ended; ' +
          'use futures in the task that submitted them',
      );
    }
    return e;
  }

  idOf(key: number): number {
    const e = this.#entry(key);
    if (e.id < 0) throw new FutureIdPendingError(e.name);
    return e.id;
  }

  /** The state last heard; a final state only once the outcome is here. */
  stateOf(key: number): TaskState {
    const e = this.#entry(key);
    return e.outcome === undefined && DONE.has(e.state) ? 'pending' : e.state;
  }

  labelOf(key: number): string | undefined {
    return this.#entry(key).label;
  }

  describe(key: number): string {
    const e = this.#entries.get(key);
    return e === undefined ? `#?${key}` : `${e.name}#${e.id < 0 ? '?' : e.id}`;
  }

  resultOf(key: number): unknown {
    const outcome = this.#known(key);
    if (!outcome.ok) throw outcome.value;
    return outcome.value;
  }

  errorOf(key: number): Error {
    const outcome = this.#known(key);
    return outcome.value as Error;
  }

  #known(key: number): { readonly ok: boolean; readonly value: unknown } {
    const e = this.#entry(key);
    if (e.outcome === undefined) {
      throw new FutureNotDoneError(this.describe(key), `${e.state} (as last heard in this worker)`);
    }
    return e.outcome;
  }

  /**
   * Calls one of the two once the node's outcome is here; `ask` sends the
   * wait to the coordinator (once per node).
   */
  wait(
    key: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    ask: () => void,
  ): void {
    const e = this.#entry(key);
    e.observed = true;
    if (e.outcome !== undefined) {
      if (e.outcome.ok) resolve(e.outcome.value);
      else reject(e.outcome.value);
      return;
    }
    e.waiters.push([resolve, reject]);
    if (!e.asked) {
      e.asked = true;
      ask();
    }
  }

  /** Whether a cancel can be asked for: false when it is known to have started or ended. */
  cancellable(key: number): boolean {
    const e = this.#entry(key);
    return e.state !== 'running' && e.outcome === undefined;
  }

  /** Resolves once the coordinator took or refused the submit; undefined when it has. */
  acked(key: number): Promise<void> | undefined {
    const e = this.#entries.get(key);
    if (e === undefined || e.answered) return undefined;
    if (e.whenAnswered === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      e.whenAnswered = { promise, resolve };
    }
    return e.whenAnswered.promise;
  }

  /** The coordinator took the submit (`error` undefined) or refused it. */
  ack(key: number, id: number, state: TaskState, error: Error | undefined): void {
    const e = this.#entries.get(key);
    if (e === undefined) return;
    e.answered = true;
    e.whenAnswered?.resolve();
    if (error !== undefined) {
      this.settle(key, false, error, 'failed');
      return;
    }
    e.id = id;
    if (e.outcome === undefined) e.state = state;
  }

  /** The node is done: its value, or its error. */
  settle(key: number, ok: boolean, value: unknown, state: TaskState): void {
    const e = this.#entries.get(key);
    if (e === undefined || e.outcome !== undefined) return;
    e.outcome = { ok, value };
    e.state = state;
    const waiters = e.waiters;
    e.waiters = [];
    for (const [resolve, reject] of waiters) {
      if (ok) resolve(value);
      else reject(value);
    }
  }

  /** The error of a refused submit that nobody awaited: it fails the submitting task. */
  unobservedRefusal(key: number): Error | undefined {
    const e = this.#entries.get(key);
    return e !== undefined && !e.observed && e.id < 0 && e.outcome?.ok === false
      ? (e.outcome.value as Error)
      : undefined;
  }

  /** Forgets a node of a task that ended, unless an await still expects its outcome. */
  release(key: number): void {
    const e = this.#entries.get(key);
    if (e !== undefined && (e.outcome !== undefined || e.waiters.length === 0)) {
      this.#entries.delete(key);
    }
  }
}
