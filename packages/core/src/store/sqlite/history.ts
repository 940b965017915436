/**
 * @module
 * A task's events as the SQLite store keeps them: the `history` BLOB of its
 * row, one fragment appended per batch that touched it. Each event:
 * - a head byte: the event code (low 4 bits), `0x10` when it starts a
 *   fragment (seq and time absolute), `0x20` when its time is a float64;
 * - seq: varint, absolute at a fragment's start, else the gap to the last;
 * - time: float64 at a fragment's start (or when flagged), else a zigzag
 *   varint of the milliseconds since the last event;
 * - attempt: zigzag varint; then the event's own fields (see `protocol.ts` for the
 *   order): integers as (zigzag) varints, deps as gaps below the task id,
 *   strings as varint(byte length + 1) and UTF-8 (0: undefined), errors
 *   and requirements as JSON strings, a retry delay as float64.
 * Name and label are not repeated per event: they are the task's (its row).
 */

import { RunStoreCorruptError } from '../../errors/store.ts';
import type { StoredEvent } from '../run-store.ts';
import {
  C_CACHED,
  C_CANCELLED,
  C_FAILED,
  C_READY,
  C_RETRYING,
  C_STARTED,
  C_SUBMITTED,
  C_SUCCEEDED,
  C_UPSTREAM_FAILED,
  TASK_TYPES,
} from './protocol.ts';

const START = 0x10;
const F64_TIME = 0x20;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A growable byte buffer with the encodings of the history. */
export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  #lastSeq = 0;
  #lastTime = 0;

  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  uvarint(v: number): void {
    this.ensure(8);
    const buf = this.buf;
    while (v >= 0x80) {
      buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[this.pos++] = v;
  }

  svarint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  str(s: string | undefined): void {
    if (s === undefined) {
      this.uvarint(0);
      return;
    }
    const n = s.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.uvarint(n + 1);
      this.ensure(n);
      const buf = this.buf;
      for (let i = 0; i < n; i++) buf[this.pos++] = s.charCodeAt(i);
      return;
    }
    const bytes = encoder.encode(s);
    this.uvarint(bytes.length + 1);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Writes an event's head, seq, time and attempt; its own fields follow. */
  head(code: number, start: boolean, seq: number, time: number, attempt: number): void {
    const delta = time - this.#lastTime;
    const f64 = !start && !Number.isSafeInteger(delta);
    this.ensure(1);
    this.buf[this.pos++] = code | (start ? START : 0) | (f64 ? F64_TIME : 0);
    this.uvarint(start ? seq : seq - this.#lastSeq);
    if (start || f64) this.f64(time);
    else this.svarint(delta);
    this.svarint(attempt);
    this.#lastSeq = seq;
    this.#lastTime = time;
  }
}

/** Reads a history back. */
class ByteReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  uvarint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
  }

  svarint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  f64(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  str(): string | undefined {
    const n = this.uvarint();
    if (n === 0) return undefined;
    const end = this.pos + n - 1;
    const bytes = this.buf.subarray(this.pos, end);
    this.pos = end;
    if (bytes.length < 64) {
      let s = '';
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]!;
        if (b >= 0x80) return decoder.decode(bytes);
        s += String.fromCharCode(b);
      }
      return s;
    }
    return decoder.decode(bytes);
  }

  json(): unknown {
    const s = this.str();
    return s === undefined ? undefined : JSON.parse(s);
  }
}

/** A task's stored events, rebuilt from its history (name and label are the task's). */
export function decodeHistory(
  history: Uint8Array,
  runId: string,
  taskId: number,
  name: string,
  label: string | undefined,
): StoredEvent[] {
  const r = new ByteReader(history);
  const out: StoredEvent[] = [];
  let seq = 0;
  let time = 0;
  while (r.pos < history.length) {
    const head = history[r.pos++]!;
    const code = head & 0x0f;
    const start = (head & START) !== 0;
    seq = start ? r.uvarint() : seq + r.uvarint();
    time = start || (head & F64_TIME) !== 0 ? r.f64() : time + r.svarint();
    const attempt = r.svarint();
    const base = { type: TASK_TYPES[code]!, runId, taskId, name, label, attempt, time, seq };
    switch (code) {
      case C_SUBMITTED: {
        const parentId = r.svarint();
        const ordinal = r.svarint();
        const deps: number[] = new Array(r.uvarint());
        for (let i = 0; i < deps.length; i++) deps[i] = taskId - r.svarint();
        const ownLabel = r.str();
        const argsHash = r.str();
        const requirements = r.json() as Readonly<Record<string, number>> | undefined;
        out.push({
          ...base,
          type: 'submitted',
          label: ownLabel,
          parentId,
          deps,
          ordinal,
          argsHash,
          requirements,
        });
        break;
      }
      case C_READY:
      case C_SUCCEEDED:
        out.push(base as StoredEvent);
        break;
      case C_STARTED: {
        const worker = r.str();
        out.push(
          worker === undefined ? (base as StoredEvent) : { ...base, type: 'started', worker },
        );
        break;
      }
      case C_RETRYING: {
        const error = r.json() as never;
        out.push({ ...base, type: 'retrying', error, delayMs: r.f64() });
        break;
      }
      case C_FAILED:
        out.push({ ...base, type: 'failed', error: r.json() as never });
        break;
      case C_UPSTREAM_FAILED:
        out.push({ ...base, type: 'upstream_failed', upstreamId: r.svarint() });
        break;
      case C_CANCELLED:
        out.push({ ...base, type: 'cancelled', reason: r.str() ?? '' });
        break;
      case C_CACHED: {
        const fromRun = r.str();
        const from = fromRun === undefined ? undefined : { runId: fromRun, taskId: r.svarint() };
        out.push({ ...base, type: 'cached', from, cacheKey: r.str() });
        break;
      }
      default:
        throw new RunStoreCorruptError(
          `the history of task ${taskId} of run ${runId} has an unknown event code (${code})`,
        );
    }
  }
  return out;
}
