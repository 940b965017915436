/**
 * @module
 * The scheduler's pending timers (retry backoffs, attempt timeouts), so
 * that cancelling a run clears them all at once.
 */

export class Timers {
  readonly #pending = new Set<NodeJS.Timeout>();

  /** Runs `f` after `ms`, unless cleared first. */
  after(ms: number, f: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      f();
    }, ms);
    this.#pending.add(timer);
    return timer;
  }

  clear(timer: NodeJS.Timeout | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#pending.delete(timer);
  }

  clearAll(): void {
    for (const t of this.#pending) clearTimeout(t);
    this.#pending.clear();
  }
}
