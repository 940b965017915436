/**
 * @module
 * The run's labels, by label: which node carries a label, found in constant
 * time, so that a label is given once per run and `taskId(label)` answers.
 *
 * An open-addressing table of 32-bit label hashes and node ids in typed
 * arrays; the labels themselves stay on the nodes and are asked of the run
 * (`labelOf`) only when two hashes are equal. A `Map` of 100k label strings
 * cost about 0.8 µs a label in a run (each probe reads key strings spread
 * over the heap, and the table is rehashed as it grows); this costs a hash
 * of the label and one read of adjacent slots.
 */

/** What a front end may ask of the run's labels. */
export interface LabelLookup {
  /** Labels given so far. */
  readonly size: number;
  /** The id of the node labelled `label`, if any. */
  get(label: string): number | undefined;
  has(label: string): boolean;
}

const EMPTY = -1;
const INITIAL_SLOTS = 1024;

/**
 * A 32-bit hash of a label's UTF-16 code units: FNV-1a, then the
 * finalizer of MurmurHash3 so that the low bits (the slot) depend on every
 * character.
 */
export function labelHash(label: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class LabelIndex implements LabelLookup {
  readonly #labelOf: (id: number) => string | undefined;
  /** Node ids by slot (`EMPTY`: free); never more than half full. */
  #ids = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
  /** The hash of the label of the node in the same slot. */
  #hashes = new Int32Array(INITIAL_SLOTS);
  #size = 0;

  /** `labelOf(id)` is the label of node `id`, as it was when the node was added. */
  constructor(labelOf: (id: number) => string | undefined) {
    this.#labelOf = labelOf;
  }

  get size(): number {
    return this.#size;
  }

  get(label: string): number | undefined {
    const id = this.find(label, labelHash(label));
    return id === EMPTY ? undefined : id;
  }

  has(label: string): boolean {
    return this.find(label, labelHash(label)) !== EMPTY;
  }

  /** The id of the node labelled `label` (whose hash is `hash`), or -1. */
  find(label: string, hash: number): number {
    const ids = this.#ids;
    const hashes = this.#hashes;
    const mask = ids.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = ids[slot]!;
      if (id === EMPTY) return EMPTY;
      if (hashes[slot] === hash && this.#labelOf(id) === label) return id;
    }
  }

  /**
   * Records that node `id` carries the label whose hash is `hash`. The
   * caller has just checked with `find` that no node carries it.
   */
  insert(hash: number, id: number): void {
    place(this.#ids, this.#hashes, hash, id);
    if (++this.#size * 2 > this.#ids.length) this.#grow();
  }

  #grow(): void {
    const oldIds = this.#ids;
    const oldHashes = this.#hashes;
    const ids = new Int32Array(oldIds.length * 2).fill(EMPTY);
    const hashes = new Int32Array(ids.length);
    for (let slot = 0; slot < oldIds.length; slot++) {
      const id = oldIds[slot]!;
      if (id !== EMPTY) place(ids, hashes, oldHashes[slot]!, id);
    }
    this.#ids = ids;
    this.#hashes = hashes;
  }
}

/** Puts `id` in the first free slot from its hash's. */
function place(ids: Int32Array, hashes: Int32Array, hash: number, id: number): void {
  const mask = ids.length - 1;
  let slot = hash & mask;
  while (ids[slot] !== EMPTY) slot = (slot + 1) & mask;
  ids[slot] = id;
  hashes[slot] = hash;
}
