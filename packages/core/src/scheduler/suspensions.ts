/**
 * @module
 * Running tasks that are waiting on other tasks' futures. A suspended task
 * has given its slot back; it retakes it when its last wait ends. The waits
 * are also edges of the wait-for graph the scheduler searches for cycles.
 */

interface Entry {
  readonly attempt: number;
  /** The tasks it waits on, one entry per wait. */
  readonly on: number[];
}

export class Suspensions {
  readonly #entries = new Map<number, Entry>();

  get size(): number {
    return this.#entries.size;
  }

  /** Records a wait of `waiter` (at `attempt`) on `target`; true when `waiter` just became suspended. */
  add(waiter: number, attempt: number, target: number): boolean {
    const entry = this.#entries.get(waiter);
    if (entry !== undefined && entry.attempt === attempt) {
      entry.on.push(target);
      return false;
    }
    this.#entries.set(waiter, { attempt, on: [target] });
    return true;
  }

  /** Ends one wait; true when it was the waiter's last, so it runs again. */
  remove(waiter: number, attempt: number, target: number): boolean {
    const entry = this.#entries.get(waiter);
    if (entry === undefined || entry.attempt !== attempt) return false;
    const i = entry.on.indexOf(target);
    if (i >= 0) entry.on.splice(i, 1);
    if (entry.on.length > 0) return false;
    this.#entries.delete(waiter);
    return true;
  }

  /** Forgets a task whose attempt ended; true when it was suspended. */
  drop(id: number): boolean {
    return this.#entries.size > 0 && this.#entries.delete(id);
  }

  /** What a suspended task waits on (undefined when it is not suspended). */
  waitsOf(id: number): readonly number[] | undefined {
    return this.#entries.get(id)?.on;
  }
}

/**
 * The path `target -> ... -> waiter` in the wait-for graph, where `next(u)`
 * lists what unfinished task `u` waits for (its inputs while pending, the
 * futures it awaits while suspended), or undefined when `waiter` waiting on
 * `target` closes no cycle.
 */
export function findWaitCycle(
  waiter: number,
  target: number,
  next: (u: number) => readonly number[] | undefined,
): number[] | undefined {
  if (waiter === target) return [waiter];
  const parent = new Map<number, number>([[target, -1]]);
  const stack = [target];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const v of next(u) ?? []) {
      if (parent.has(v)) continue;
      parent.set(v, u);
      if (v === waiter) {
        const path: number[] = [];
        for (let w = v; w !== -1; w = parent.get(w)!) path.push(w);
        return path;
      }
      if (next(v) !== undefined) stack.push(v);
    }
  }
  return undefined;
}
