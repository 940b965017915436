/**
 * @module
 * A memory run's tasks, packed: a row ("slot") per task, in the order the
 * tasks first appeared, in typed-array columns in chunks of 65,536 tasks
 * (and, by id, where each task's slot is). The record is the fold of
 * the task's events (`task-fold.ts`), kept as the state and three event
 * indexes it is read from: the event that names the task (its latest
 * `submitted`, else its first event), its latest `started` and its latest
 * end since then. Results are kept as bytes in a shared pool; cache keys
 * in maps, both ways, for the tasks that have one.
 */
import { EVENT_TYPES, type TaskEvent } from '../events/events.ts';
import { STATE_NAMES } from '../vocabulary/state.ts';
import type { EventLog } from './memory-events.ts';
import { BytePool, StringTable } from './memory-pools.ts';
import type { StoredResult, TaskRecord } from './run-store.ts';
import { cancelledError, STATE_AFTER, upstreamFailedError } from './task-fold.ts';

/** By event type code: the state a task is in after it (-1: not a task event). */
export const STATE_BY_CODE: readonly number[] = EVENT_TYPES.map(
  (t) => (STATE_AFTER as Readonly<Record<string, number>>)[t] ?? -1,
);
const SUBMITTED = EVENT_TYPES.indexOf('submitted');
const STARTED = EVENT_TYPES.indexOf('started');
const READY = EVENT_TYPES.indexOf('ready');
const RETRYING = EVENT_TYPES.indexOf('retrying');

const NO_RESULT = 0;
const INLINE = 1;
const ARTIFACT = 2;
/** A result of another shape, kept as given (copied). */
const ODD = 3;

/** A map from a key to one value or more, without an array for the (usual) single value. */
export class MultiMap<K, V> {
  readonly #map = new Map<K, V | V[]>();

  add(key: K, value: V): void {
    const cur = this.#map.get(key);
    if (cur === undefined) this.#map.set(key, value);
    else if (Array.isArray(cur)) {
      if (!cur.includes(value)) cur.push(value);
    } else if (cur !== value) this.#map.set(key, [cur, value]);
  }

  delete(key: K, value: V): void {
    const cur = this.#map.get(key);
    if (Array.isArray(cur)) {
      const i = cur.indexOf(value);
      if (i >= 0) cur.splice(i, 1);
      if (cur.length === 1) this.#map.set(key, cur[0]!);
    } else if (cur !== undefined && cur === value) this.#map.delete(key);
  }

  get(key: K): readonly V[] {
    const cur = this.#map.get(key);
    return cur === undefined ? [] : Array.isArray(cur) ? cur : [cur];
  }
}

const SHIFT = 16;
const SIZE = 1 << SHIFT;
const MASK = SIZE - 1;
/** Ids from this one on are always kept in a map. */
const FAR = 2 ** 31;

/** The columns of `SIZE` tasks (by slot). */
class Chunk {
  readonly id = new Float64Array(SIZE);
  readonly state = new Uint8Array(SIZE);
  /** The event that names the task (its latest `submitted`, else its first). */
  readonly head = new Int32Array(SIZE);
  /** Its latest `started` since `head` (-1: none). */
  readonly started = new Int32Array(SIZE);
  /** Its latest end (succeeded, failed, upstream_failed, cancelled, cached) since `head` (-1: none). */
  readonly ended = new Int32Array(SIZE);
  /** Its last event (the others through the log's `prev`). */
  readonly last = new Int32Array(SIZE);
  readonly resKind = new Uint8Array(SIZE);
  /** Inline: the pool's chunk; artifact: the hash's number. */
  readonly resAt = new Int32Array(SIZE);
  readonly resOffset = new Int32Array(SIZE);
  readonly resSize = new Float64Array(SIZE);
}

export class TaskTable {
  count = 0;
  /** The highest task id (-1: none). */
  maxId = -1;
  readonly #chunks: Chunk[] = [];
  /** By id, in chunks of `SIZE` ids made when needed: slot + 1 (0: none); far ids in `#far`. */
  readonly #direct: Int32Array[] = [];
  readonly #far = new Map<number, number>();
  #sorted = true;
  #order: Int32Array | undefined;
  readonly #odd = new Map<number, StoredResult>();
  readonly #bytes = new BytePool();
  readonly #hashes = new StringTable();
  /** By slot: the cache keys of the tasks that have one. */
  readonly keys = new Map<number, string>();
  /** By cache key: the slots of the tasks that have it. */
  readonly byKey = new MultiMap<string, number>();

  /** The slot of task `id` (an integer of at least 0), or -1. */
  slotOf(id: number): number {
    const slot = id < FAR ? (this.#direct[id >>> SHIFT]?.[id & MASK] ?? 0) - 1 : -1;
    if (slot >= 0 || this.#far.size === 0) return slot;
    return this.#far.get(id) ?? -1;
  }

  /** Adds task `id`, named by event `first`; returns its slot. */
  add(id: number, first: number): number {
    const slot = this.count;
    if ((slot & MASK) === 0) this.#chunks.push(new Chunk());
    const c = this.#chunks[slot >>> SHIFT]!;
    const j = slot & MASK;
    const k = id < FAR ? id >>> SHIFT : -1;
    if (k >= 0 && (this.#direct[k] !== undefined || id < 4 * (slot + SIZE))) {
      this.#direct[k] ??= new Int32Array(SIZE);
      this.#direct[k][id & MASK] = slot + 1;
    } else this.#far.set(id, slot);
    c.id[j] = id;
    if (id < this.maxId) this.#sorted = false;
    else this.maxId = id;
    this.#order = undefined;
    c.head[j] = first;
    c.started[j] = -1;
    c.ended[j] = -1;
    c.last[j] = -1;
    this.count = slot + 1;
    return slot;
  }

  idAt(slot: number): number {
    return this.#chunks[slot >>> SHIFT]!.id[slot & MASK]!;
  }

  stateOf(slot: number): number {
    return this.#chunks[slot >>> SHIFT]!.state[slot & MASK]!;
  }

  headOf(slot: number): number {
    return this.#chunks[slot >>> SHIFT]!.head[slot & MASK]!;
  }

  startedOf(slot: number): number {
    return this.#chunks[slot >>> SHIFT]!.started[slot & MASK]!;
  }

  lastOf(slot: number): number {
    return this.#chunks[slot >>> SHIFT]!.last[slot & MASK]!;
  }

  /** The slot of the `k`-th task in id order. */
  slotAt(k: number): number {
    if (this.#sorted) return k;
    if (this.#order === undefined) {
      const order = Int32Array.from({ length: this.count }, (_, i) => i);
      this.#order = order.sort((a, b) => this.idAt(a) - this.idAt(b));
    }
    return this.#order[k]!;
  }

  /** The position in id order of the first task whose id is at least `id`. */
  firstFrom(id: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.idAt(this.slotAt(mid)) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Folds event `i` (of type `code`) of the task in `slot` in: its state and indexes. */
  apply(slot: number, code: number, i: number): void {
    const c = this.#chunks[slot >>> SHIFT]!;
    const j = slot & MASK;
    c.state[j] = STATE_BY_CODE[code]!;
    c.last[j] = i;
    if (code === SUBMITTED) {
      c.head[j] = i;
      c.started[j] = -1;
      c.ended[j] = -1;
    } else if (code === STARTED) c.started[j] = i;
    else if (code !== READY && code !== RETRYING) c.ended[j] = i;
  }

  /** The task's record, read from its events in `log`. */
  record(slot: number, runId: string, log: EventLog): TaskRecord {
    const c = this.#chunks[slot >>> SHIFT]!;
    const j = slot & MASK;
    const head = log.peek(c.head[j]!, runId) as TaskEvent;
    const sub = head.type === 'submitted' ? head : undefined;
    const s = c.started[j]!;
    const started = s < 0 ? undefined : (log.peek(s, runId) as TaskEvent & { worker?: string });
    const e = c.ended[j]!;
    const ended = e < 0 ? undefined : (log.peek(e, runId) as TaskEvent);
    const from = ended?.type === 'cached' ? ended.from : undefined;
    return {
      runId,
      id: c.id[j]!,
      parentId: sub === undefined ? -1 : sub.parentId,
      name: head.name,
      label: head.label,
      ordinal: sub === undefined ? 0 : sub.ordinal,
      deps: sub === undefined ? [] : [...sub.deps],
      argsHash: sub?.argsHash,
      state: STATE_NAMES[c.state[j]!]!,
      attempts: started === undefined ? 0 : started.attempt,
      requirements: sub?.requirements && { ...sub.requirements },
      submittedAt: head.time,
      startedAt: started?.time,
      endedAt: ended?.time,
      worker: started?.worker,
      cacheKey: this.keys.get(slot),
      hasResult: c.resKind[j] !== NO_RESULT,
      error:
        ended?.type === 'failed'
          ? ended.error
          : ended?.type === 'upstream_failed'
            ? upstreamFailedError(ended.upstreamId)
            : ended?.type === 'cancelled'
              ? cancelledError(ended.reason)
              : undefined,
      cachedFrom: from && { ...from },
    };
  }

  /** Stores the task's result (a copy: the caller may reuse the bytes). */
  setResult(slot: number, result: StoredResult | undefined): void {
    const c = this.#chunks[slot >>> SHIFT]!;
    const j = slot & MASK;
    this.#odd.delete(slot);
    if (result === undefined) {
      c.resKind[j] = NO_RESULT;
    } else if (result.kind === 'inline' && result.bytes instanceof Uint8Array) {
      c.resKind[j] = INLINE;
      c.resAt[j] = this.#bytes.add(result.bytes);
      c.resOffset[j] = this.#bytes.offset;
      c.resSize[j] = result.bytes.length;
    } else if (result.kind === 'artifact' && typeof result.hash === 'string') {
      c.resKind[j] = ARTIFACT;
      c.resAt[j] = this.#hashes.id(result.hash);
      c.resSize[j] = result.size;
    } else {
      c.resKind[j] = ODD;
      this.#odd.set(slot, { ...result });
    }
  }

  hasResult(slot: number): boolean {
    return this.#chunks[slot >>> SHIFT]!.resKind[slot & MASK] !== NO_RESULT;
  }

  /** The task's result, a fresh copy, or undefined. */
  result(slot: number): StoredResult | undefined {
    const c = this.#chunks[slot >>> SHIFT]!;
    const j = slot & MASK;
    switch (c.resKind[j]) {
      case INLINE:
        return {
          kind: 'inline',
          bytes: this.#bytes.read(c.resAt[j]!, c.resOffset[j]!, c.resSize[j]!),
        };
      case ARTIFACT:
        return { kind: 'artifact', hash: this.#hashes.at(c.resAt[j]!)!, size: c.resSize[j]! };
      case ODD: {
        const odd = this.#odd.get(slot)!;
        return odd.kind === 'inline' ? { ...odd, bytes: odd.bytes.slice() } : { ...odd };
      }
      default:
        return undefined;
    }
  }

  /** The hash of the task's result when it is stored as an artifact. */
  artifactHash(slot: number): string | undefined {
    const c = this.#chunks[slot >>> SHIFT]!;
    const kind = c.resKind[slot & MASK];
    if (kind === ARTIFACT) return this.#hashes.at(c.resAt[slot & MASK]!);
    const odd = kind === ODD ? this.#odd.get(slot) : undefined;
    return odd?.kind === 'artifact' ? odd.hash : undefined;
  }

  /** Sets (or, with undefined, removes) the task's cache key. */
  setKey(slot: number, key: string | undefined): void {
    const old = this.keys.get(slot);
    if (old === key) return;
    if (old !== undefined) {
      this.keys.delete(slot);
      this.byKey.delete(old, slot);
    }
    if (key === undefined) return;
    this.keys.set(slot, key);
    this.byKey.add(key, slot);
  }
}
