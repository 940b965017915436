/**
 * @module
 * Tasks the write worker holds back. Most tasks are submitted, wait a
 * little, run briefly and end; written as they come, each would be written
 * two or three times (a row at submit, again when started, again at the
 * end), and the writer is what a recorded run waits for. So a task that
 * has no row yet and whose events so far are only `submitted`, `ready` and
 * `started` is parked: its events stay in the
 * batch messages that carried them (held here, by reference), and its row
 * is written once, with the events that follow, when it is next touched.
 *
 * Nothing waits long: what is parked is written at the latest at the
 * second tick after it was parked (ticks are half a second apart), and at once
 * on `flush()`, close and release. While the run is busy (at least
 * `BUSY_EVENTS` events since the last tick) and fewer than `MAX_PARKED`
 * tasks are parked, it may wait up to `BUSY_TICKS` ticks (ten seconds)
 * instead: in a burst (a large graph submitted at once) most tasks then
 * end before they are due, and are written once rather than twice, at the
 * time the writer has least to spare; a quiet run (a few tasks waiting on
 * long ones) still shows its waiting tasks within a second. Parked events
 * take their seq when they are written, before that batch's own events
 * (an id listed twice is written once), so the store always holds
 * a gapless, consistent history: the same as if those tasks had been
 * submitted (or started) a little later. A crash loses what is parked as it loses what
 * is still in the calling thread's batch; a resumed run submits it again.
 *
 * A parked task's events are `submitted`, `ready` and `started` (codes 0,
 * 1 and 2: one slot each, at `3 * entry + code`), each as the handle of
 * the message that carried it and its positions in that message's `ints`
 * and `times`.
 */

import type { BatchMessage } from './protocol.ts';

/** Events in one tick from which a run counts as busy (20,000 a second). */
export const BUSY_EVENTS = 10_000;
/** Ticks a parked task may wait while its run is busy. */
export const BUSY_TICKS = 20;
/** Parked tasks from which they are written at the usual age, busy or not (memory). */
export const MAX_PARKED = 1 << 20;

/** The tasks a run's writer holds back, and where their events are. */
export class ParkedTasks {
  /** The entry of each parked task by id, plus one (0: not parked). */
  entryOf = new Int32Array(1024);
  // Per entry.
  id = new Int32Array(256);
  gen = new Int32Array(256);
  /** Per entry and event code (submitted, ready, started): message handle (-1: none), int and time positions. */
  msg = new Int32Array(768);
  pos = new Int32Array(768);
  time = new Int32Array(768);
  #free: number[] = [];
  #size = 0;
  /** Messages that parked events are in, with how many events each still holds. */
  readonly #messages: (BatchMessage | undefined)[] = [];
  readonly #refs: number[] = [];
  #freeMessages: number[] = [];
  #held = -1;
  /** The generation (tick count), and the ids parked in each generation not yet due, oldest first. */
  generation = 0;
  readonly #generations: { readonly gen: number; readonly ids: number[] }[] = [{ gen: 0, ids: [] }];
  count = 0;
  /** Events of the run written or parked since the last tick (see `due`). */
  events = 0;

  /** Room for task ids below `n`. */
  reserve(n: number): void {
    if (n <= this.entryOf.length) return;
    const next = new Int32Array(Math.max(n, this.entryOf.length * 2));
    next.set(this.entryOf);
    this.entryOf = next;
  }

  /** A handle for message `m`, kept while the batch is written (see `unhold`). */
  hold(m: BatchMessage): number {
    const h = this.#freeMessages.pop() ?? this.#messages.length;
    this.#messages[h] = m;
    this.#refs[h] = 0;
    this.#held = h;
    return h;
  }

  /** The batch is written: its message is let go unless something parked is in it. */
  unhold(): void {
    const h = this.#held;
    this.#held = -1;
    if (h >= 0) this.#settle(h);
  }

  #settle(h: number): void {
    if (h !== this.#held && this.#refs[h] === 0 && this.#messages[h] !== undefined) {
      this.#messages[h] = undefined;
      this.#freeMessages.push(h);
    }
  }

  message(h: number): BatchMessage {
    return this.#messages[h]!;
  }

  /** The entry of task `id`, made if it has none. */
  entry(id: number): number {
    const at = this.entryOf[id]!;
    if (at > 0) return at - 1;
    const e = this.#free.pop() ?? this.#grow();
    this.entryOf[id] = e + 1;
    this.id[e] = id;
    this.gen[e] = this.generation;
    this.msg[3 * e] = -1;
    this.msg[3 * e + 1] = -1;
    this.msg[3 * e + 2] = -1;
    this.#generations[this.#generations.length - 1]!.ids.push(id);
    this.count++;
    return e;
  }

  /** Records event `code` (submitted, ready or started) at `p`, `t` of message `h` in entry `e`. */
  add(e: number, code: number, h: number, p: number, t: number): void {
    const at = 3 * e + code;
    this.#refs[h]!++;
    if (this.msg[at]! >= 0) this.#unref(this.msg[at]!);
    this.msg[at] = h;
    this.pos[at] = p;
    this.time[at] = t;
  }

  /** Forgets entry `e` (its task is being written). */
  release(e: number): void {
    for (let at = 3 * e; at < 3 * e + 3; at++) if (this.msg[at]! >= 0) this.#unref(this.msg[at]!);
    this.entryOf[this.id[e]!] = 0;
    this.#free.push(e);
    this.count--;
  }

  /**
   * Ids of the tasks due at this tick: parked before the last tick, or
   * while the run is busy and few enough are parked, `BUSY_TICKS` ticks
   * ago. The generation moves on.
   */
  due(): number[] {
    const busy = this.events >= BUSY_EVENTS && this.count < MAX_PARKED;
    this.events = 0;
    const cutoff = this.generation - (busy ? BUSY_TICKS : 1);
    const out: number[] = [];
    const gens = this.#generations;
    while (gens.length > 0 && gens[0]!.gen <= cutoff) {
      for (const id of gens.shift()!.ids) {
        const at = this.entryOf[id]!;
        if (at > 0 && this.gen[at - 1]! <= cutoff) out.push(id);
      }
    }
    this.generation++;
    gens.push({ gen: this.generation, ids: [] });
    return out;
  }

  /** Ids of every parked task. */
  all(): number[] {
    const out: number[] = [];
    for (const { ids } of this.#generations) {
      for (const id of ids) if (this.entryOf[id]! > 0) out.push(id);
      ids.length = 0;
    }
    return out;
  }

  #unref(h: number): void {
    this.#refs[h]!--;
    this.#settle(h);
  }

  #grow(): number {
    const e = this.#size++;
    if (e >= this.id.length) {
      const n = this.id.length * 2;
      this.id = grown(this.id, n);
      this.gen = grown(this.gen, n);
      this.msg = grown(this.msg, 3 * n);
      this.pos = grown(this.pos, 3 * n);
      this.time = grown(this.time, 3 * n);
    }
    return e;
  }
}

function grown(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(n);
  next.set(a);
  return next;
}
