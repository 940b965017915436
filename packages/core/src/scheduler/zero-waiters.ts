/**
 * @module
 * Promises for "a count has come down to zero": the scheduler's unfinished
 * tasks (the run is idle) and outstanding executor calls (it is quiet).
 */

export class ZeroWaiters {
  #waiters: (() => void)[] = [];

  /** Resolves at once when `zero`, else at the next `release()`, or after `timeoutMs` if given. */
  wait(zero: boolean, timeoutMs?: number): Promise<void> {
    if (zero) return Promise.resolve();
    return new Promise((resolve) => {
      if (timeoutMs === undefined) {
        this.#waiters.push(resolve);
        return;
      }
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves every waiter (the count is zero now). */
  release(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
