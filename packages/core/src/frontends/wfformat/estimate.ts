/**
 * @module
 * The list schedule weft's dispatch makes, simulated: whenever cores are
 * free, ready tasks are taken by priority (then by position, as the ready
 * queue breaks ties by id), a task that does not fit is passed over for
 * the next (at most 32 per round, as the scheduler does), and each task
 * runs exactly its duration. Its makespan is what a run could reach with
 * no overhead at all: set beside the lower bound, it tells the graph's own
 * limits (a wave of equal tasks that does not divide by the cores) from
 * weft's costs.
 */
import type { WfTask } from './model.ts';

/** As in the scheduler: ready tasks passed over per dispatch round. */
const MAX_PASSED_OVER = 32;

/** The makespan, in the durations' unit, of the list schedule on `cores` cores. */
export function listSchedule(
  tasks: readonly WfTask[],
  durations: Float64Array,
  taskCores: Float64Array,
  priorities: Int32Array,
  cores: number,
): number {
  const n = tasks.length;
  const waiting = new Int32Array(n);
  const ready = new Heap(
    (a, b) => priorities[a]! > priorities[b]! || (priorities[a] === priorities[b] && a < b),
  );
  const ends = new Float64Array(n);
  const running = new Heap((a, b) => ends[a]! < ends[b]! || (ends[a] === ends[b] && a < b));
  for (let i = 0; i < n; i++) {
    waiting[i] = tasks[i]!.parents.length;
    if (waiting[i] === 0) ready.push(i);
  }
  let now = 0;
  let free = cores;
  const passed: number[] = [];
  for (;;) {
    while (ready.size > 0) {
      const i = ready.pop();
      // The tolerance absorbs rounding of fractional cores, as the scheduler's does.
      if (taskCores[i]! <= free + 1e-9) {
        free -= taskCores[i]!;
        ends[i] = now + durations[i]!;
        running.push(i);
      } else {
        passed.push(i);
        if (passed.length >= MAX_PASSED_OVER) break;
      }
    }
    for (const i of passed) ready.push(i);
    passed.length = 0;
    if (running.size === 0) return now;
    const done = running.pop();
    now = ends[done]!;
    free += taskCores[done]!;
    for (const c of tasks[done]!.children) if (--waiting[c]! === 0) ready.push(c);
  }
}

/** A binary heap of task positions; `before(a, b)` says a comes out first. */
class Heap {
  readonly #items: number[] = [];
  readonly #before: (a: number, b: number) => boolean;

  constructor(before: (a: number, b: number) => boolean) {
    this.#before = before;
  }

  get size(): number {
    return this.#items.length;
  }

  push(x: number): void {
    const h = this.#items;
    let i = h.length;
    h.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#before(x, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = x;
  }

  pop(): number {
    const h = this.#items;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && this.#before(h[r]!, h[l]!) ? r : l;
      if (!this.#before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
