/**
 * @module
 * The memory store's packed storage: typed arrays in chunks, strings
 * interned (each distinct one kept once, referred to by number), and the
 * bytes of inline results copied into large shared chunks. A big run then
 * keeps a few dozen large objects instead of millions of small ones, which
 * the garbage collector would otherwise copy and trace again and again.
 */

const INTS = 1 << 18;

/**
 * Records of int32s (a record: a few ints, its length not fixed) in chunks,
 * each record within one chunk, so that growing never copies. A record is
 * found by its position: its chunk's number times `INTS` plus its offset.
 */
export class IntRecords {
  readonly #chunks: Int32Array[] = [];
  #current: Int32Array | undefined;
  #used = 0;

  /** Room for a record of `n` ints: returns its position (-1: past what an int32 holds). */
  reserve(n: number): number {
    if (n > INTS >> 2) {
      const at = this.#chunks.push(new Int32Array(n)) - 1;
      return at * INTS;
    }
    if (this.#current === undefined || this.#used + n > INTS) {
      this.#current = new Int32Array(INTS);
      this.#chunks.push(this.#current);
      this.#used = 0;
    }
    const position = (this.#chunks.length - 1) * INTS + this.#used;
    this.#used += n;
    return position > 0x7fffffff ? -1 : position;
  }

  /** The chunk that holds the record at `position`. */
  chunk(position: number): Int32Array {
    return this.#chunks[Math.floor(position / INTS)]!;
  }

  /** The offset in its chunk of the record at `position`. */
  offset(position: number): number {
    return position % INTS;
  }
}

/** Strings by number: `id()` adds a string once; `at()` reads it back (-1: undefined). */
export class StringTable {
  readonly #ids = new Map<string, number>();
  readonly #list: string[] = [];

  id(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.#list.push(s) - 1;
      this.#ids.set(s, id);
    }
    return id;
  }

  at(id: number): string | undefined {
    return id < 0 ? undefined : this.#list[id];
  }
}

/**
 * One column's way into a string table: most columns repeat one value
 * (a task's name, an args hash), so the last string is remembered and
 * found again without a lookup.
 */
export class Interner {
  readonly #table: StringTable;
  #last: string | undefined;
  #lastId = -1;

  constructor(table: StringTable) {
    this.#table = table;
  }

  /** The string's number; -1 for undefined. */
  id(s: string | undefined): number {
    if (s === this.#last) return this.#lastId;
    const id = s === undefined ? -1 : this.#table.id(s);
    this.#last = s;
    this.#lastId = id;
    return id;
  }
}

/** Objects kept by identity, by number (-1: undefined): tasks share their definition's requirements. */
export class ObjectTable<T extends object> {
  readonly #ids = new Map<T, number>();
  readonly #list: T[] = [];
  #last: T | undefined;
  #lastId = -1;

  id(o: T | undefined): number {
    if (o === this.#last) return this.#lastId;
    let id = -1;
    if (o !== undefined) {
      id = this.#ids.get(o) ?? -1;
      if (id < 0) {
        id = this.#list.push(o) - 1;
        this.#ids.set(o, id);
      }
    }
    this.#last = o;
    this.#lastId = id;
    return id;
  }

  at(id: number): T | undefined {
    return id < 0 ? undefined : this.#list[id];
  }
}

const CHUNK = 1 << 20;
/** Larger byte strings get a chunk of their own. */
const OWN = CHUNK >> 4;

/**
 * Byte strings copied into shared chunks: one `Uint8Array` per MiB rather
 * than one per result (each small `ArrayBuffer` costs the collector far
 * more than its bytes).
 */
export class BytePool {
  readonly #chunks: Uint8Array[] = [];
  #current: Uint8Array | undefined;
  #currentIndex = -1;
  #used = 0;
  /** The offset in its chunk of the bytes `add` copied last. */
  offset = 0;

  /** Copies `bytes` in; returns the chunk's number (and sets `offset`). */
  add(bytes: Uint8Array): number {
    const n = bytes.length;
    if (n > OWN) {
      this.offset = 0;
      return this.#chunks.push(bytes.slice()) - 1;
    }
    if (this.#current === undefined || this.#used + n > CHUNK) {
      this.#current = new Uint8Array(CHUNK);
      this.#currentIndex = this.#chunks.push(this.#current) - 1;
      this.#used = 0;
    }
    this.#current.set(bytes, this.#used);
    this.offset = this.#used;
    this.#used += n;
    return this.#currentIndex;
  }

  /** A copy of `length` bytes at `offset` of chunk `chunk`. */
  read(chunk: number, offset: number, length: number): Uint8Array {
    return this.#chunks[chunk]!.slice(offset, offset + length);
  }
}
