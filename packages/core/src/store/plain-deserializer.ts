/**
 * @module
 * A reader of V8's serialization format for plain data only, the
 * counterpart of `plain-serializer.ts`: undefined, null, booleans, numbers,
 * strings, and dense arrays and objects of them with string keys. A cached
 * or resumed task takes its recorded result from these bytes, and for the
 * small values most tasks return, `v8.deserialize` costs a deserializer
 * object and a crossing into C++ per value, several times reading them here.
 *
 * Anything else (a Date, a Map, a Buffer, an object met twice, a sparse
 * array or one with holes, a key that is a number or `__proto__`, a tag
 * this reader does not know, bytes that end early) makes `deserializePlain`
 * return `NOT_PLAIN`, and the caller uses `v8.deserialize`, which reads
 * everything V8 writes (and throws on bytes that are not a value). What it
 * returns is what `v8.deserialize` returns for the same bytes.
 */

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

/** The oldest format version whose plain tags read as here (V8's own reader goes back further). */
const MIN_VERSION = 13;

/** What `deserializePlain` returns for bytes it leaves to `v8.deserialize`. */
export const NOT_PLAIN: unique symbol = Symbol('weft.notPlain');

/** Thrown inside the reader: the bytes are not plain data (caught below, never escapes). */
const BAIL = new Error('not plain');

/** Strings up to this many bytes are decoded here; longer ones by Buffer (a call into C++). */
const SHORT = 64;
const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);
const units = new Uint16Array(SHORT / 2);

class Reader {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;

  /** The next tag, padding skipped. */
  tag(): number {
    const buf = this.buf;
    while (this.pos < buf.length) {
      const t = buf[this.pos++]!;
      if (t !== PADDING) return t;
    }
    throw BAIL;
  }

  varint(): number {
    const buf = this.buf;
    let n = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= buf.length || shift > 28) throw BAIL;
      const b = buf[this.pos++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  }

  /**
   * The next `n` bytes as a string: Latin-1 (not TextDecoder's 'latin1',
   * which is windows-1252), or UTF-16 code units as they are (a lone
   * surrogate stays one).
   */
  text(n: number, encoding: 'latin1' | 'utf16le'): string {
    const buf = this.buf;
    const at = this.pos;
    const end = at + n;
    if (end > buf.length) throw BAIL;
    this.pos = end;
    if (n > SHORT) return Buffer.from(buf.buffer, buf.byteOffset + at, n).toString(encoding);
    if (encoding === 'latin1') {
      return String.fromCharCode.apply(null, buf.subarray(at, end) as unknown as number[]);
    }
    const m = n / 2;
    for (let i = 0; i < m; i++) units[i] = buf[at + 2 * i]! | (buf[at + 2 * i + 1]! << 8);
    return String.fromCharCode.apply(null, units.subarray(0, m) as unknown as number[]);
  }

  value(depth: number): unknown {
    const t = this.tag();
    switch (t) {
      case UNDEFINED:
        return undefined;
      case NULL:
        return null;
      case TRUE:
        return true;
      case FALSE:
        return false;
      case INT32: {
        const z = this.varint();
        if (z > 0xffffffff) throw BAIL;
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2; // zigzag
      }
      case DOUBLE: {
        const buf = this.buf;
        const at = this.pos;
        if (at + 8 > buf.length) throw BAIL;
        for (let i = 0; i < 8; i++) floatBytes[i] = buf[at + i]!; // no view made per number
        this.pos = at + 8;
        return float[0];
      }
      case ONE_BYTE_STRING:
      case TWO_BYTE_STRING:
        return this.string(t);
      case BEGIN_OBJECT:
        if (depth >= MAX_DEPTH) throw BAIL;
        return this.object(depth + 1);
      case BEGIN_DENSE_ARRAY:
        if (depth >= MAX_DEPTH) throw BAIL;
        return this.array(depth + 1);
      default:
        throw BAIL;
    }
  }

  string(t: number): string {
    const n = this.varint();
    if (t === ONE_BYTE_STRING) return this.text(n, 'latin1');
    if (n % 2 !== 0) throw BAIL;
    return this.text(n, 'utf16le');
  }

  object(depth: number): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    let count = 0;
    for (;;) {
      const t = this.tag();
      if (t === END_OBJECT) break;
      if (t !== ONE_BYTE_STRING && t !== TWO_BYTE_STRING) throw BAIL; // a number key, or not a key
      const key = this.string(t);
      // A key V8 reads as an index, or one that assigning would not define.
      if (key === '__proto__' || isIndex(key) || Object.hasOwn(o, key)) throw BAIL;
      o[key] = this.value(depth);
      count++;
    }
    if (this.varint() !== count) throw BAIL;
    return o;
  }

  array(depth: number): unknown[] {
    const length = this.varint();
    if (length > this.buf.length - this.pos) throw BAIL; // each element takes a byte at least
    const a = new Array<unknown>(length);
    for (let i = 0; i < length; i++) a[i] = this.value(depth);
    if (this.tag() !== END_DENSE_ARRAY) throw BAIL; // extra properties, or not an array
    if (this.varint() !== 0 || this.varint() !== length) throw BAIL;
    return a;
  }
}

const EMPTY = new Uint8Array(0);
/** One reader, reused: reading never reenters it. */
const reader = new Reader();

/** True for a key that names an array index ("0", "17"), which V8 treats apart. */
function isIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  return String(Number(key) >>> 0) === key && key !== '4294967295';
}

/**
 * The value in `bytes` when they hold plain data, else `NOT_PLAIN` (then
 * read them with `v8.deserialize`).
 * @example deserializePlain(serialize({ a: [1, 'x'] })) // { a: [1, 'x'] }
 */
export function deserializePlain(bytes: Uint8Array): unknown {
  if (bytes.length < 3 || bytes[0] !== VERSION_TAG) return NOT_PLAIN;
  const r = reader;
  r.buf = bytes;
  r.pos = 1;
  try {
    if (r.varint() < MIN_VERSION) return NOT_PLAIN;
    const value = r.value(0);
    return r.pos === bytes.length ? value : NOT_PLAIN;
  } catch (error) {
    if (error === BAIL) return NOT_PLAIN;
    throw error;
  } finally {
    r.buf = EMPTY; // not kept alive by the reader
  }
}
