/**
 * @module
 * The calls waiting to be placed: those that fit a live worker and wait for
 * room on one (first in, first out: the order the scheduler handed them
 * over, which follows priorities), and those no live worker fits, which
 * wait for one to come, say why in their log once they have waited a
 * moment, and fail after the placement timeout.
 */
import type { QueueCall } from './state.ts';

/** How long a call waits for a worker that fits before its log says why (a restart is not worth a warning). */
const WARN_AFTER_MS = 2000;

export class Waiting {
  #fifo: QueueCall[] = [];
  #head = 0;
  /** Calls no live worker fits. */
  readonly unfit = new Set<QueueCall>();

  get rooms(): number {
    return this.#fifo.length - this.#head;
  }

  /** Queues a call that fits a worker, for when one has room. */
  push(call: QueueCall): void {
    this.unfit.delete(call);
    call.waiting = 'room';
    this.#fifo.push(call);
  }

  /** The next call waiting for room (skipping those placed or ended since), or undefined. */
  shift(): QueueCall | undefined {
    while (this.#head < this.#fifo.length) {
      const call = this.#fifo[this.#head++]!;
      if (this.#head > 1024 && this.#head * 2 > this.#fifo.length) {
        this.#fifo = this.#fifo.slice(this.#head);
        this.#head = 0;
      }
      if (call.waiting === 'room') {
        call.waiting = undefined;
        return call;
      }
    }
    return undefined;
  }

  /** Puts calls back at the head, in their order (they were just taken from it). */
  unshift(calls: readonly QueueCall[]): void {
    for (const c of calls) c.waiting = 'room';
    if (this.#head >= calls.length) {
      this.#head -= calls.length;
      for (let i = 0; i < calls.length; i++) this.#fifo[this.#head + i] = calls[i]!;
      return;
    }
    this.#fifo = [...calls, ...this.#fifo.slice(this.#head)];
    this.#head = 0;
  }

  /** Records that no live worker fits `call`, and why. */
  addUnfit(call: QueueCall, reason: string, now: number): void {
    call.waiting = 'fit';
    call.reason = reason;
    call.unfitSince ??= now;
    this.unfit.add(call);
  }

  /** Forgets a call (placed, or ended). */
  remove(call: QueueCall): void {
    call.waiting = undefined;
    call.unfitSince = undefined;
    this.unfit.delete(call);
  }

  /**
   * Logs why the calls no worker fits wait, once they have waited a moment
   * (again when the reason changes), and returns those that waited longer
   * than `timeoutMs`.
   */
  sweep(now: number, timeoutMs: number): QueueCall[] {
    const expired: QueueCall[] = [];
    for (const call of this.unfit) {
      const since = call.unfitSince ?? now;
      const expires = now - since >= timeoutMs;
      if (expires) expired.push(call);
      // Also when it expires unwarned (a short timeout, a sweep late on a busy machine): the
      // log says why it waited before the task fails.
      if (
        (expires || now - since >= Math.min(WARN_AFTER_MS, timeoutMs / 2)) &&
        call.warned !== call.reason
      ) {
        call.warned = call.reason;
        call.inv.log.warn(
          `waiting for a queue worker (fails after ${Math.round(timeoutMs / 1000)} s): ${call.reason}`,
        );
      }
    }
    return expired;
  }
}
