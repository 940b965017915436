/**
 * @module
 * The ready queue: task ids ordered by priority (higher first), then by
 * submission order (lower id first). A binary heap over an Int32Array: pushes
 * in submission order cost O(1), pops O(log n), and nothing is allocated per
 * task.
 */

export class ReadyQueue {
  #heap = new Int32Array(1024);
  #size = 0;
  /** Priority of each task id; replaced by the owner when it grows. */
  priorities: Int32Array;

  constructor(priorities: Int32Array) {
    this.priorities = priorities;
  }

  get size(): number {
    return this.#size;
  }

  push(id: number): void {
    if (this.#size === this.#heap.length) {
      const bigger = new Int32Array(this.#heap.length * 2);
      bigger.set(this.#heap);
      this.#heap = bigger;
    }
    const heap = this.#heap;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.#before(id, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = id;
  }

  /** Removes and returns the first id; -1 when empty. */
  pop(): number {
    if (this.#size === 0) return -1;
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap[--this.#size]!;
    const size = this.#size;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      if (right < size && this.#before(heap[right]!, heap[left]!)) child = right;
      const c = heap[child]!;
      if (!this.#before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    if (size > 0) heap[i] = last;
    return top;
  }

  /** Empties the queue (a cancelled run dispatches nothing more). */
  clear(): void {
    this.#size = 0;
  }

  #before(a: number, b: number): boolean {
    const pa = this.priorities[a]!;
    const pb = this.priorities[b]!;
    return pa === pb ? a < b : pa > pb;
  }
}
