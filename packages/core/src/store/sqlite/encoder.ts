/**
 * @module
 * The batch being filled on the calling thread: each event encoded into
 * typed arrays and a string list as `protocol.ts` lays them out, checked
 * as it is encoded (an event refused halfway leaves the batch as it was).
 * `take()` hands the batch over (its buffers to be transferred) and starts
 * a new one.
 */
import { describeValue } from '../../errors/base.ts';
import { RunStoreInputError } from '../../errors/store.ts';
import type { PlainTransition, RunEvent, TaskSubmitted } from '../../events/events.ts';
import type { StoredResult } from '../run-store.ts';
import {
  type BatchMessage,
  C_CACHED,
  C_CANCELLED,
  C_FAILED,
  C_LOG,
  C_READY,
  C_RESULT,
  C_RETRYING,
  C_RUN_FINISHED,
  C_RUN_STARTED,
  C_STARTED,
  C_SUBMITTED,
  C_SUCCEEDED,
  C_UPSTREAM_FAILED,
  FINAL_STATES,
  LEVELS,
  RESULT_ARTIFACT,
  RESULT_INLINE,
  RESULT_NONE,
} from './protocol.ts';
import { TASK_KEY_SPAN } from './schema.ts';

const INTS = 1 << 17;
const TIMES = 1 << 15;
/** The most ints one record takes besides its deps. */
const MAX_RECORD = 16;

const NO_NAME = Symbol('no name');

function badTaskId(value: unknown): never {
  throw new RunStoreInputError(
    `a task id must be an integer from 0 to ${TASK_KEY_SPAN - 1}, not ${describeValue(value)}`,
  );
}

function notInt(what: string, value: unknown): never {
  throw new RunStoreInputError(`${what} must be a 32-bit integer, not ${describeValue(value)}`);
}

function int(what: string, value: number): number {
  if ((value | 0) !== value) notInt(what, value);
  return value;
}

function known<T>(what: string, values: readonly T[], value: T): number {
  const i = values.indexOf(value);
  if (i < 0) {
    throw new RunStoreInputError(
      `${what} must be one of ${values.join(', ')}, not ${describeValue(value)}`,
    );
  }
  return i;
}

function fieldsJson(fields: object): string {
  try {
    return JSON.stringify(fields);
  } catch (error) {
    return JSON.stringify({ unserializable: (error as Error).message });
  }
}

/** A batch of one run's events, being encoded. */
export class BatchEncoder {
  #ints = new Int32Array(INTS);
  #ni = 0;
  #times = new Float64Array(TIMES);
  #nt = 0;
  #strs: string[] = [];
  #bytes: Uint8Array | undefined;
  #nb = 0;
  readonly #names = new Map<string, number>();
  #newNames: string[] = [];
  #lastName: string | symbol = NO_NAME;
  #lastNameIndex = -1;
  #lastRequirements: object | undefined;
  #lastRequirementsJson = '';

  /** True when nothing is queued. */
  get empty(): boolean {
    return this.#nt === 0;
  }

  /** True when `e` fits in this batch (else: take() it first). */
  fits(e: RunEvent | undefined): boolean {
    const room = e?.type === 'submitted' ? MAX_RECORD + (e.deps?.length ?? 0) : MAX_RECORD;
    return this.#ni + room <= this.#ints.length && this.#nt + 2 <= TIMES;
  }

  /** Encodes one event (checked: a malformed one is refused with a RunStoreInputError). */
  event(e: RunEvent): void {
    const ints = this.#ints;
    const p = this.#ni;
    const t = this.#nt;
    this.#times[t] = e.time;
    switch (e.type) {
      case 'log':
        ints[p] = C_LOG;
        ints[p + 1] = int("a log's taskId", e.taskId);
        ints[p + 2] = int('attempt', e.attempt);
        ints[p + 3] = known('level', LEVELS, e.level);
        ints[p + 4] = this.#str(String(e.message));
        ints[p + 5] = e.fields === undefined ? -1 : this.#str(fieldsJson(e.fields));
        this.#ni = p + 6;
        this.#nt = t + 1;
        return;
      case 'run_started':
        ints[p] = C_RUN_STARTED;
        this.#ni = p + 1;
        this.#nt = t + 1;
        return;
      case 'run_finished':
        ints[p] = C_RUN_FINISHED;
        ints[p + 1] = known('state', FINAL_STATES, e.state);
        this.#ni = p + 2;
        this.#nt = t + 1;
        return;
      default:
        break;
    }
    this.#taskFields(ints, p, e.taskId, e.attempt, e.name);
    switch (e.type) {
      case 'ready':
        ints[p] = C_READY;
        this.#ni = p + 4;
        break;
      case 'succeeded':
        ints[p] = C_SUCCEEDED;
        this.#ni = p + 4;
        break;
      case 'started':
        ints[p] = C_STARTED;
        ints[p + 4] = this.#str(e.worker);
        this.#ni = p + 5;
        break;
      case 'submitted':
        this.#submitted(e, p);
        break;
      case 'retrying':
        ints[p] = C_RETRYING;
        ints[p + 4] = this.#str(JSON.stringify(e.error));
        this.#times[t + 1] = e.delayMs;
        this.#ni = p + 5;
        this.#nt = t + 2;
        return;
      case 'failed':
        ints[p] = C_FAILED;
        ints[p + 4] = this.#str(JSON.stringify(e.error));
        this.#ni = p + 5;
        break;
      case 'upstream_failed':
        ints[p] = C_UPSTREAM_FAILED;
        ints[p + 4] = int('upstreamId', e.upstreamId);
        this.#ni = p + 5;
        break;
      case 'cancelled':
        ints[p] = C_CANCELLED;
        ints[p + 4] = this.#str(String(e.reason));
        this.#ni = p + 5;
        break;
      case 'cached':
        ints[p] = C_CACHED;
        ints[p + 4] = this.#str(e.from?.runId);
        ints[p + 5] = int('from.taskId', e.from?.taskId ?? 0);
        ints[p + 6] = this.#str(e.cacheKey);
        this.#ni = p + 7;
        break;
      default:
        throw new RunStoreInputError(
          `unknown event type ${describeValue((e as { type: unknown }).type)}`,
        );
    }
    this.#nt = t + 1;
  }

  /** Encodes the event of a `ready`, `started` or `succeeded` transition from its fields (checked as `event` checks them). */
  transition(
    type: PlainTransition,
    id: number,
    attempt: number,
    name: string,
    time: number,
    worker: string | undefined,
  ): void {
    const ints = this.#ints;
    const p = this.#ni;
    const t = this.#nt;
    this.#times[t] = time;
    this.#taskFields(ints, p, id, attempt, name);
    if (type === 'started') {
      ints[p] = C_STARTED;
      ints[p + 4] = this.#str(worker);
      this.#ni = p + 5;
    } else {
      ints[p] = type === 'ready' ? C_READY : C_SUCCEEDED;
      this.#ni = p + 4;
    }
    this.#nt = t + 1;
  }

  /** A task event's id, attempt and name, checked, after its code at `p`. */
  #taskFields(ints: Int32Array, p: number, id: number, attempt: number, name: string): void {
    if (!((id | 0) === id && id >= 0 && id < TASK_KEY_SPAN)) badTaskId(id);
    if ((attempt | 0) !== attempt) notInt('attempt', attempt);
    ints[p + 1] = id;
    ints[p + 2] = attempt;
    ints[p + 3] = name === this.#lastName ? this.#lastNameIndex : this.#name(name);
  }

  #submitted(e: TaskSubmitted, p: number): void {
    const deps = e.deps;
    if (!Array.isArray(deps)) {
      throw new RunStoreInputError(`deps must be an array of task ids, not ${describeValue(deps)}`);
    }
    const n = deps.length;
    // More deps than a whole batch holds: a bigger buffer for this one.
    if (p + MAX_RECORD + n > this.#ints.length) this.#grow(p + MAX_RECORD + n);
    const ints = this.#ints;
    ints[p] = C_SUBMITTED;
    ints[p + 4] = int('parentId', e.parentId);
    ints[p + 5] = int('ordinal', e.ordinal);
    ints[p + 6] = this.#str(e.label);
    ints[p + 7] = this.#str(e.argsHash);
    ints[p + 8] = e.requirements === undefined ? -1 : this.#requirements(e.requirements);
    ints[p + 9] = n;
    for (let i = 0; i < n; i++) {
      const dep = deps[i]!;
      if ((dep | 0) !== dep) notInt('a dep', dep);
      ints[p + 10 + i] = dep;
    }
    this.#ni = p + 10 + n;
  }

  /** Encodes a task's result and cache key. */
  result(taskId: number, result: StoredResult | undefined, cacheKey: string | undefined): void {
    if (!((taskId | 0) === taskId && taskId >= 0 && taskId < TASK_KEY_SPAN)) badTaskId(taskId);
    const ints = this.#ints;
    const p = this.#ni;
    let size = 0;
    if (result === undefined) {
      ints[p + 2] = RESULT_NONE;
    } else if (result.kind === 'inline' && result.bytes instanceof Uint8Array) {
      ints[p + 2] = RESULT_INLINE;
      ints[p + 3] = this.#addBytes(result.bytes);
      ints[p + 4] = result.bytes.length;
    } else if (result.kind === 'artifact' && typeof result.size === 'number') {
      ints[p + 2] = RESULT_ARTIFACT;
      ints[p + 3] = this.#str(result.hash);
      size = result.size;
    } else {
      throw new RunStoreInputError(
        `a result must be { kind: 'inline', bytes } or { kind: 'artifact', hash, size }, not ${describeValue(result)}`,
      );
    }
    ints[p] = C_RESULT;
    ints[p + 1] = taskId;
    ints[p + 5] = this.#str(cacheKey);
    this.#times[this.#nt++] = size;
    this.#ni = p + 6;
  }

  /** The batch as a message for the worker (with the buffers to transfer); a new batch starts. */
  take(key: number, flush: boolean): { message: BatchMessage; transfer: ArrayBuffer[] } {
    const bytes = this.#bytes?.subarray(0, this.#nb);
    const transfer: ArrayBuffer[] = [this.#ints.buffer, this.#times.buffer];
    if (bytes !== undefined) transfer.push(bytes.buffer as ArrayBuffer);
    const message: BatchMessage = {
      t: 'batch',
      id: 0,
      key,
      ints: this.#ints,
      ni: this.#ni,
      times: this.#times,
      nt: this.#nt,
      strs: this.#strs,
      names: this.#newNames,
      bytes,
      flush,
    };
    this.#ints = new Int32Array(INTS);
    this.#times = new Float64Array(TIMES);
    this.#ni = 0;
    this.#nt = 0;
    this.#strs = [];
    this.#newNames = [];
    this.#bytes = undefined;
    this.#nb = 0;
    return { message, transfer };
  }

  /** Room for a record with many deps: a bigger buffer for this batch. */
  #grow(n: number): void {
    const next = new Int32Array(Math.max(INTS, n));
    next.set(this.#ints);
    this.#ints = next;
  }

  #str(s: string | undefined): number {
    if (s === undefined) return -1;
    if (typeof s !== 'string') {
      throw new RunStoreInputError(`expected a string in an event, not ${describeValue(s)}`);
    }
    return this.#strs.push(s) - 1;
  }

  #name(name: string): number {
    let index = this.#names.get(name);
    if (index === undefined) {
      if (typeof name !== 'string') {
        throw new RunStoreInputError(`a task name must be a string, not ${describeValue(name)}`);
      }
      index = this.#names.size;
      this.#names.set(name, index);
      this.#newNames.push(name);
    }
    this.#lastName = name;
    this.#lastNameIndex = index;
    return index;
  }

  /** Tasks share their definition's requirements object: it is turned into JSON once. */
  #requirements(requirements: object): number {
    if (requirements !== this.#lastRequirements) {
      this.#lastRequirements = requirements;
      this.#lastRequirementsJson = JSON.stringify(requirements);
    }
    return this.#str(this.#lastRequirementsJson);
  }

  #addBytes(bytes: Uint8Array): number {
    const at = this.#nb;
    const need = at + bytes.length;
    if (this.#bytes === undefined || need > this.#bytes.length) {
      const next = new Uint8Array(Math.max(need, 1 << 16, (this.#bytes?.length ?? 0) * 2));
      if (this.#bytes !== undefined) next.set(this.#bytes.subarray(0, at));
      this.#bytes = next;
    }
    this.#bytes.set(bytes, at);
    this.#nb = need;
    return at;
  }
}
