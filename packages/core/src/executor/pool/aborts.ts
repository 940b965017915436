/**
 * @module
 * What the pool does when an attempt's signal fires: it forwards the abort
 * to the worker, whose task sees its own signal fire; from that moment its
 * worker takes no new task. A task that heeds its signal ends within
 * milliseconds and its worker is usable again; one that is still running
 * `killGrace` later gets its worker stopped hard (and replaced).
 */
import { serializeError } from '../../errors/base.ts';
import { formatTask } from '../../errors/run.ts';
import type { Invocation } from '../executor.ts';
import type { Call } from './connection.ts';

export class Aborts {
  readonly #bySignal = new WeakMap<AbortSignal, Set<Call>>();
  readonly #killGraceMs: number;
  /** True while the call has not ended. */
  readonly #running: (call: Call) => boolean;
  /** Ends a call that waited for a worker and never started, with the abort's reason. */
  readonly #drop: (call: Call, reason: unknown) => void;

  constructor(
    killGraceMs: number,
    running: (call: Call) => boolean,
    drop: (call: Call, reason: unknown) => void,
  ) {
    this.#killGraceMs = killGraceMs;
    this.#running = running;
    this.#drop = drop;
  }

  /** Aborts `call` when `signal` fires (at once when it has). */
  watch(call: Call, signal: AbortSignal): void {
    if (signal.aborted) {
      this.#abort(call, signal.reason);
      return;
    }
    let calls = this.#bySignal.get(signal);
    if (calls === undefined) {
      const set = new Set<Call>();
      calls = set;
      this.#bySignal.set(signal, set);
      signal.addEventListener(
        'abort',
        () => {
          for (const c of set) this.#abort(c, signal.reason);
          set.clear();
        },
        { once: true },
      );
    }
    calls.add(call);
    call.watched = calls;
  }

  /** Forgets a call that ended. */
  forget(call: Call): void {
    clearTimeout(call.killTimer);
    call.watched?.delete(call);
  }

  #abort(call: Call, reason: unknown): void {
    if (call.aborted || !this.#running(call)) return;
    const conn = call.conn;
    if (conn === undefined) {
      this.#drop(call, reason);
      return;
    }
    call.aborted = true;
    conn.aborting++; // no new task goes to this worker until the call ends or the worker is stopped
    conn.push({ t: 'abort', k: call.key, reason: serializeError(reason) });
    const grace = this.#killGraceMs;
    call.killTimer = setTimeout(() => {
      if (!this.#running(call) || conn.gone) return;
      conn.stoppedFor ??= describeCall(call.inv);
      conn.handle.kill(`task ${describeCall(call.inv)} ran on ${grace} ms after its signal fired`);
    }, grace);
  }
}

/** `name#id "label" (attempt n)`. */
export function describeCall(inv: Invocation): string {
  return `${formatTask({ id: inv.taskId, name: inv.name, label: inv.label })} (attempt ${inv.attempt})`;
}
