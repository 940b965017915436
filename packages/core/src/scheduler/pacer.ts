/**
 * @module
 * When the scheduler lets the event loop turn. In-process tasks that finish
 * at once keep a run in one chain of microtasks, where no timer, signal or
 * I/O callback runs (the progress display, the run store's batches,
 * Ctrl-C). The pacer counts starts and, every 1024, checks the clock: past
 * `sliceMs` since the loop last turned, it asks the caller to stop and
 * calls `resume` from `setImmediate`.
 */

export class Pacer {
  /** True from a pause until `resume` runs. */
  paused = false;
  readonly #sliceMs: number;
  readonly #resume: () => void;
  #sliceStart = performance.now();
  #starts = 0;

  constructor(sliceMs: number, resume: () => void) {
    this.#sliceMs = sliceMs;
    this.#resume = resume;
  }

  /** Called before each start; true when the caller must stop now (resume follows). */
  pauseDue(): boolean {
    if ((++this.#starts & 1023) !== 0) return false;
    if (performance.now() - this.#sliceStart < this.#sliceMs) return false;
    this.paused = true;
    setImmediate(() => {
      this.paused = false;
      this.#sliceStart = performance.now();
      this.#resume();
    });
    return true;
  }
}
