/**
 * @module
 * Who waits on which task: the callbacks of awaited futures, and the running
 * tasks that wait on other tasks. A running task that waits gives its slot
 * back until its last wait ends, so a parent awaiting its children cannot
 * starve them of capacity; a wait that would close a cycle (through inputs
 * and other waits) is refused with a CycleError instead of never ending.
 */
import { CycleError, type TaskRef } from '../errors/run.ts';
import { isTerminal, PENDING, RUNNING } from '../vocabulary/state.ts';
import { findWaitCycle, Suspensions } from './suspensions.ts';

/** What the waits need from the scheduler. */
export interface WaitHooks {
  state(id: number): number;
  prerequisites(id: number): readonly number[];
  isCurrent(id: number, attempt: number): boolean;
  ref(id: number): TaskRef;
  /** Gives back the slot and requirements of a running task that now waits. */
  suspend(id: number): void;
  /** Takes them again (even overdrawn) when its last wait ends. */
  resume(id: number): void;
}

type Waiter = [resolve: (value: unknown) => void, reject: (error: unknown) => void];

export class Waits {
  readonly #hooks: WaitHooks;
  readonly #waiters = new Map<number, Waiter[]>();
  readonly #suspended = new Suspensions();

  constructor(hooks: WaitHooks) {
    this.#hooks = hooks;
  }

  /**
   * Calls `resolve` or `reject` when unfinished task `id` ends. `waiter` is
   * the task of the same run that waits (-1 for none), at `waiterAttempt`.
   */
  add(
    id: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    waiter: number,
    waiterAttempt: number,
  ): void {
    let waiters = this.#waiters.get(id);
    if (waiters === undefined) {
      waiters = [];
      this.#waiters.set(id, waiters);
    }
    if (waiter < 0 || !this.#hooks.isCurrent(waiter, waiterAttempt)) {
      waiters.push([resolve, reject]);
      return;
    }
    const cycle = this.#cycle(waiter, id);
    if (cycle !== undefined) {
      reject(new CycleError(cycle.map((t) => this.#hooks.ref(t))));
      return;
    }
    if (this.#suspended.add(waiter, waiterAttempt, id)) this.#hooks.suspend(waiter);
    const end = (): void => {
      if (this.#suspended.remove(waiter, waiterAttempt, id)) this.#hooks.resume(waiter);
    };
    waiters.push([
      (value) => {
        end();
        resolve(value);
      },
      (error) => {
        end();
        reject(error);
      },
    ]);
  }

  /** Settles the waiters of a task that ended: `outcome()` is its value or error. */
  settle(id: number, ok: boolean, outcome: () => unknown): void {
    const waiters = this.#waiters.get(id);
    if (waiters === undefined) return;
    this.#waiters.delete(id);
    const value = outcome();
    for (const w of waiters) (ok ? w[0] : w[1])(value);
  }

  /** Forgets a task whose attempt ended; true when it was waiting (so holds no slot). */
  drop(id: number): boolean {
    return this.#suspended.drop(id);
  }

  #cycle(waiter: number, target: number): number[] | undefined {
    return findWaitCycle(waiter, target, (u) => {
      const s = this.#hooks.state(u);
      if (isTerminal(s)) return undefined;
      return s === RUNNING
        ? this.#suspended.waitsOf(u)
        : s === PENDING
          ? this.#hooks.prerequisites(u)
          : undefined;
    });
  }
}
