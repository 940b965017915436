/**
 * @module
 * A memory run's events, packed: one row per event in typed-array columns,
 * in chunks of 65,536 events (type, task id, attempt, time, name and label
 * as interned strings, and a type-dependent `aux`: the worker of
 * `started`, where the fields and deps of `submitted` are, as a record of
 * ints, in chunks of their own). The bulk of a run
 * (submitted, ready, started, succeeded) is kept that way; the rest (logs,
 * failures, retries, cancellations, cache hits, the run's own events) and
 * any event whose fields do not fit the columns are kept as a copy made
 * field by field ("boxed"). Events are read back as fresh objects, equal
 * to what was written.
 */
import type { RunEvent, TaskSubmitted } from '../events/events.ts';
import { EVENT_TYPES } from '../events/events.ts';
import { Interner, IntRecords, ObjectTable, StringTable } from './memory-pools.ts';
import type { StoredEvent } from './run-store.ts';

const code = (type: RunEvent['type']): number => EVENT_TYPES.indexOf(type);

export const C_SUBMITTED = code('submitted');
export const C_READY = code('ready');
export const C_STARTED = code('started');
export const C_SUCCEEDED = code('succeeded');
/** The type column's flag of a boxed event. */
const BOXED = 0x80;
/** By event type: its code. */
export const TYPE_CODES: ReadonlyMap<string, number> = new Map(EVENT_TYPES.map((t, i) => [t, i]));

/** Ints of a `submitted` record before its deps: parentId, ordinal, argsHash, requirements, the deps' count. */
const SUB = 5;

type Requirements = Readonly<Record<string, number>>;

const isInt32 = (n: unknown): n is number => ((n as number) | 0) === n;
const optString = (s: unknown): boolean => s === undefined || typeof s === 'string';

/** A copy of `e`, field by field, as the store gives it back (`worker` only when set). */
function box(e: RunEvent): RunEvent {
  switch (e.type) {
    case 'log': {
      const { runId, taskId, attempt, level, message, fields, time } = e;
      return { type: 'log', runId, taskId, attempt, level, message, fields, time };
    }
    case 'run_started':
      return { type: 'run_started', runId: e.runId, time: e.time };
    case 'run_finished':
      return { type: 'run_finished', runId: e.runId, state: e.state, time: e.time };
    default:
      break;
  }
  const { runId, taskId, name, label, attempt, time } = e;
  const base = { runId, taskId, name, label, attempt, time };
  switch (e.type) {
    case 'submitted': {
      const { parentId, deps, ordinal, argsHash, requirements } = e;
      const copy = Array.isArray(deps) ? [...deps] : deps;
      return { ...base, type: e.type, parentId, deps: copy, ordinal, argsHash, requirements };
    }
    case 'ready':
    case 'succeeded':
      return { ...base, type: e.type };
    case 'started':
      return e.worker === undefined
        ? { ...base, type: e.type }
        : { ...base, type: e.type, worker: e.worker };
    case 'retrying':
      return { ...base, type: e.type, error: e.error, delayMs: e.delayMs };
    case 'failed':
      return { ...base, type: e.type, error: e.error };
    case 'upstream_failed':
      return { ...base, type: e.type, upstreamId: e.upstreamId };
    case 'cancelled':
      return { ...base, type: e.type, reason: e.reason };
    case 'cached':
      return { ...base, type: e.type, from: e.from, cacheKey: e.cacheKey };
  }
}

/** Events per chunk: the columns grow a chunk at a time, never copied. */
const SHIFT = 16;
const SIZE = 1 << SHIFT;
const MASK = SIZE - 1;

/** The columns of `SIZE` events. */
class Chunk {
  readonly type = new Uint8Array(SIZE);
  readonly task = new Int32Array(SIZE);
  /** Up to 255 (a later attempt is boxed). */
  readonly attempt = new Uint8Array(SIZE);
  readonly time = new Float64Array(SIZE);
  readonly name = new Int32Array(SIZE);
  /** The label's number + 1 (0: none); made for the first labelled event. */
  label: Int32Array | undefined;
  /** By type: the position of a `submitted`'s record, the worker of a `started`, the box of a boxed event. */
  readonly aux = new Int32Array(SIZE);
  /** For a task event, the index of the task's previous one (-1: none). */
  readonly prev = new Int32Array(SIZE);
}

export class EventLog {
  length = 0;
  readonly #chunks: Chunk[] = [];
  /** The `submitted` events' own fields. */
  readonly #subs = new IntRecords();
  readonly #boxes: RunEvent[] = [];
  readonly #strings = new StringTable();
  readonly #names = new Interner(this.#strings);
  readonly #labels = new Interner(this.#strings);
  readonly #hashes = new Interner(this.#strings);
  readonly #workers = new Interner(this.#strings);
  readonly #requirements = new ObjectTable<Requirements>();

  /**
   * Appends an event of a known type (checked by the caller), `prev` the
   * index of its task's previous event (-1: none); returns its index.
   */
  add(e: RunEvent, prev: number): number {
    const i = this.length;
    const j = i & MASK;
    if (i >>> SHIFT === this.#chunks.length) this.#chunks.push(new Chunk());
    const c = this.#chunks[i >>> SHIFT]!;
    c.prev[j] = prev;
    if (!this.#pack(e, c, j)) {
      c.type[j] = TYPE_CODES.get(e.type)! | BOXED;
      c.aux[j] = this.#boxes.push(box(e)) - 1;
    }
    this.length = i + 1;
    return i;
  }

  /** The index of the previous event of event `i`'s task (-1: none). */
  prev(i: number): number {
    return this.#chunks[i >>> SHIFT]!.prev[i & MASK]!;
  }

  /** The type code (index in `EVENT_TYPES`) of event `i`. */
  typeAt(i: number): number {
    return this.#chunks[i >>> SHIFT]!.type[i & MASK]! & ~BOXED;
  }

  nameAt(i: number): string {
    return this.#field(i, 'name', (c, j) => this.#strings.at(c.name[j]!)) as string;
  }

  labelAt(i: number): string | undefined {
    return this.#field(i, 'label', (c, j) => this.#strings.at((c.label?.[j] ?? 0) - 1)) as
      | string
      | undefined;
  }

  attemptAt(i: number): number {
    return this.#field(i, 'attempt', (c, j) => c.attempt[j]!) as number;
  }

  /**
   * Event `i` of run `runId`, for reading only: a boxed event is the stored
   * copy itself (never hand it out), a packed one is made afresh.
   */
  peek(i: number, runId: string): RunEvent {
    const c = this.#chunks[i >>> SHIFT]!;
    const j = i & MASK;
    const t = c.type[j]!;
    if (t & BOXED) return this.#boxes[c.aux[j]!]!;
    const strings = this.#strings;
    const base = {
      runId,
      taskId: c.task[j]!,
      name: strings.at(c.name[j]!)!,
      label: strings.at((c.label?.[j] ?? 0) - 1),
      attempt: c.attempt[j]!,
      time: c.time[j]!,
    };
    switch (t) {
      case C_SUBMITTED: {
        const r = this.#subs.chunk(c.aux[j]!);
        const at = this.#subs.offset(c.aux[j]!);
        return {
          ...base,
          type: 'submitted',
          parentId: r[at]!,
          deps: Array.from(r.subarray(at + SUB, at + SUB + r[at + 4]!)),
          ordinal: r[at + 1]!,
          argsHash: strings.at(r[at + 2]!),
          requirements: this.#requirements.at(r[at + 3]!),
        };
      }
      case C_STARTED: {
        const worker = strings.at(c.aux[j]!);
        return worker === undefined
          ? { ...base, type: 'started' }
          : { ...base, type: 'started', worker };
      }
      case C_READY:
        return { ...base, type: 'ready' };
      default:
        return { ...base, type: 'succeeded' };
    }
  }

  /** Event `i` of run `runId` as a query returns it: a fresh object, with its `seq`. */
  stored(i: number, runId: string): StoredEvent {
    return { ...this.peek(i, runId), seq: i + 1 };
  }

  /** A field of event `i`: from its box, or read from its columns by `packed`. */
  #field(i: number, key: string, packed: (c: Chunk, j: number) => unknown): unknown {
    const c = this.#chunks[i >>> SHIFT]!;
    const j = i & MASK;
    if (c.type[j]! & BOXED)
      return (this.#boxes[c.aux[j]!] as unknown as Record<string, unknown>)[key];
    return packed(c, j);
  }

  /** Writes a hot event (submitted, ready, started, succeeded) into the columns; false when it does not fit them. */
  #pack(e: RunEvent, c: Chunk, j: number): boolean {
    const type = e.type;
    if (type !== 'submitted' && type !== 'ready' && type !== 'started' && type !== 'succeeded') {
      return false;
    }
    const { taskId, attempt, time, name, label } = e;
    if (!isInt32(taskId) || (attempt & 0xff) !== attempt || typeof time !== 'number') return false;
    if (typeof name !== 'string' || !optString(label)) return false;
    let code = C_SUCCEEDED;
    let aux = 0;
    if (type === 'started') {
      const worker = e.worker;
      if (!optString(worker)) return false;
      code = C_STARTED;
      aux = this.#workers.id(worker);
    } else if (type === 'submitted') {
      code = C_SUBMITTED;
      aux = this.#submitted(e);
      if (aux < 0) return false;
    } else if (type === 'ready') {
      code = C_READY;
    }
    c.type[j] = code;
    c.task[j] = taskId;
    c.attempt[j] = attempt;
    c.time[j] = time;
    c.name[j] = this.#names.id(name);
    if (label !== undefined) {
      c.label ??= new Int32Array(SIZE);
      c.label[j] = this.#labels.id(label) + 1;
    }
    c.aux[j] = aux;
    return true;
  }

  /**
   * Writes a `submitted` event's own fields as a record (parentId, ordinal,
   * argsHash, requirements, the deps' count, the deps); returns its
   * position, or -1 when they do not fit.
   */
  #submitted(e: TaskSubmitted): number {
    const { parentId, ordinal, argsHash, requirements, deps } = e;
    if (!isInt32(parentId) || !isInt32(ordinal) || !optString(argsHash)) return -1;
    if (requirements !== undefined && (typeof requirements !== 'object' || requirements === null)) {
      return -1;
    }
    if (!Array.isArray(deps)) return -1;
    const n = deps.length;
    const position = this.#subs.reserve(SUB + n);
    if (position < 0) return -1;
    const r = this.#subs.chunk(position);
    const at = this.#subs.offset(position);
    for (let k = 0; k < n; k++) {
      const dep: unknown = deps[k];
      if (!isInt32(dep)) return -1;
      r[at + SUB + k] = dep;
    }
    r[at] = parentId;
    r[at + 1] = ordinal;
    r[at + 2] = this.#hashes.id(argsHash);
    r[at + 3] = this.#requirements.id(requirements);
    r[at + 4] = n;
    return position;
  }
}
