/**
 * @module
 * A writer of V8's serialization format (what `v8.serialize` writes and
 * `v8.deserialize` reads) for plain data only: undefined, null, booleans,
 * numbers, strings, and arrays and plain objects of them. Every task's
 * result is serialized when a run is recorded; for the small plain values
 * most tasks return, `v8.serialize` costs a native serializer object and
 * a crossing into C++ per value, several times what writing the bytes
 * here costs.
 *
 * Anything else (a Date, a Map, a Buffer, a class instance, a bigint, a
 * sparse or decorated array, an object reached twice, keys that are array
 * indices, very deep nesting) makes `serializePlain` return undefined, and
 * the caller uses `v8.serialize`. What it writes, `v8.deserialize` reads
 * back as the value `v8.serialize` would have given (property order, -0,
 * NaN, undefined members, null-prototype objects included).
 */
import { serialize } from 'node:v8';
import {
  BEGIN_DENSE_ARRAY,
  BEGIN_OBJECT,
  DOUBLE,
  END_DENSE_ARRAY,
  END_OBJECT,
  FALSE,
  INT32,
  MAX_DEPTH,
  NULL,
  ONE_BYTE_STRING,
  PADDING,
  TRUE,
  TWO_BYTE_STRING,
  UNDEFINED,
  VERSION_TAG,
} from './v8-tags.ts';

/** The format version this Node writes, from its own header. */
const VERSION = serialize(null)[1]!;
/** Longer arrays go to `v8.serialize`: checking them for extra properties would cost more. */
const MAX_CHECKED_ARRAY = 256;
const SMI_MIN = -(2 ** 30);
const SMI_MAX = 2 ** 30 - 1;

const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);

class Writer {
  buf = new Uint8Array(1 << 12);
  pos = 0;
  /** The first object met; the set of them from the second on (one object cannot repeat). */
  first: object | undefined;
  readonly seen = new Set<object>();

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.pos + n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  varint(n: number): void {
    this.reserve(10);
    const buf = this.buf;
    while (n >= 0x80) {
      buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    buf[this.pos++] = n;
  }

  /** False when the value is not plain data. */
  value(v: unknown, depth: number): boolean {
    switch (typeof v) {
      case 'undefined':
        this.byte(UNDEFINED);
        return true;
      case 'boolean':
        this.byte(v ? TRUE : FALSE);
        return true;
      case 'number':
        this.number(v);
        return true;
      case 'string':
        this.string(v);
        return true;
      case 'object':
        if (v === null) {
          this.byte(NULL);
          return true;
        }
        if (depth >= MAX_DEPTH || !this.once(v)) return false;
        return Array.isArray(v) ? this.array(v, depth) : this.object(v, depth);
      default:
        return false; // bigint, symbol, function
    }
  }

  /** False when `o` was met before in this value. */
  once(o: object): boolean {
    if (this.first === undefined) {
      this.first = o;
      return true;
    }
    if (this.seen.size === 0) this.seen.add(this.first);
    if (this.seen.has(o)) return false;
    this.seen.add(o);
    return true;
  }

  number(v: number): void {
    if (Number.isInteger(v) && v >= SMI_MIN && v <= SMI_MAX && !Object.is(v, -0)) {
      this.byte(INT32);
      this.varint(v >= 0 ? v * 2 : -v * 2 - 1); // zigzag
      return;
    }
    this.reserve(9);
    this.buf[this.pos++] = DOUBLE;
    float[0] = v;
    this.buf.set(floatBytes, this.pos);
    this.pos += 8;
  }

  string(s: string): void {
    const n = s.length;
    let oneByte = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) > 0xff) {
        oneByte = false;
        break;
      }
    }
    if (oneByte) {
      this.byte(ONE_BYTE_STRING);
      this.varint(n);
      this.reserve(n);
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.pos = p;
      return;
    }
    // V8 aligns a two-byte string's characters to an even offset.
    const bytes = 2 * n;
    if ((this.pos + 1 + varintSize(bytes)) & 1) this.byte(PADDING);
    this.byte(TWO_BYTE_STRING);
    this.varint(bytes);
    this.reserve(bytes);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      buf[p++] = c & 0xff;
      buf[p++] = c >>> 8;
    }
    this.pos = p;
  }

  array(a: unknown[], depth: number): boolean {
    const n = a.length;
    if (Object.getPrototypeOf(a) !== Array.prototype || n > MAX_CHECKED_ARRAY) return false;
    if (Object.keys(a).length !== n) return false; // holes, or named properties
    this.byte(BEGIN_DENSE_ARRAY);
    this.varint(n);
    for (let i = 0; i < n; i++) if (!this.value(a[i], depth + 1)) return false;
    this.byte(END_DENSE_ARRAY);
    this.varint(0);
    this.varint(n);
    return true;
  }

  object(o: object, depth: number): boolean {
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) return false;
    // for-in walks own keys in V8's order without making an array; an
    // enumerable key on Object.prototype (polluted) would join them: refused.
    if (proto !== null && inheritsEnumerable()) return false;
    this.byte(BEGIN_OBJECT);
    let n = 0;
    for (const key in o) {
      const c = key.charCodeAt(0);
      // Keys that are array indices are written as numbers by V8: leave them to it.
      if (c >= 0x30 && c <= 0x39) return false;
      this.string(key);
      if (!this.value((o as Record<string, unknown>)[key], depth + 1)) return false;
      n++;
    }
    this.byte(END_OBJECT);
    this.varint(n);
    return true;
  }
}

function inheritsEnumerable(): boolean {
  for (const _ in Object.prototype) return true;
  return false;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

const writer = new Writer();
/** Set while writing: a getter that serializes again gets `v8.serialize`. */
let busy = false;

/**
 * `value` in V8's serialization format, in a buffer of its own; undefined
 * when it is not plain data (then `v8.serialize` is the way).
 */
export function serializePlain(value: unknown): Uint8Array | undefined {
  return writePlain(value) ? writer.buf.slice(0, writer.pos) : undefined;
}

/**
 * `serializePlain` without the copy: a view of a buffer that the next call
 * overwrites (for callers that copy the bytes at once).
 */
export function serializePlainView(value: unknown): Uint8Array | undefined {
  return writePlain(value) ? writer.buf.subarray(0, writer.pos) : undefined;
}

function writePlain(value: unknown): boolean {
  if (busy) return false;
  busy = true;
  const w = writer;
  w.pos = 0;
  w.byte(VERSION_TAG);
  w.byte(VERSION);
  let ok = false;
  try {
    ok = w.value(value, 0);
  } finally {
    w.first = undefined;
    if (w.seen.size > 0) w.seen.clear();
    busy = false;
  }
  return ok;
}
