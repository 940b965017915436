/**
 * @module
 * The memory store's runs: each keeps its events packed in write order
 * (`memory-events.ts`: an event's `seq` is its index + 1, a task's events
 * are chained through `prev`), its tasks packed (`memory-tasks.ts`: each
 * record the fold of the task's events, kept as they arrive), and the
 * counts by state of the latest session's tasks kept as they change; the
 * writer, which applies each event at once and notes when the run was
 * last active; and the upkeep of the cache index (which runs have tasks
 * with a cache key).
 */
import { describeValue } from '../errors/base.ts';
import { RunStoreInputError } from '../errors/store.ts';
import type { RunEvent } from '../events/events.ts';
import { type EventLog, TYPE_CODES } from './memory-events.ts';
import { type MultiMap, STATE_BY_CODE, type TaskTable } from './memory-tasks.ts';
import type { RunInfo, RunState, RunWriter, StoredResult } from './run-store.ts';
import { checkFinalState, checkRunResult } from './run-store-errors.ts';

/** By cache key: the runs with a task recorded with it. */
export type CacheIndex = MultiMap<string, MemRun>;

export interface MemRun {
  /** Creation order, newest highest: the tie-break of `startedAt`. */
  readonly key: number;
  info: Omit<RunInfo, 'resumes' | 'executorConfig'>;
  /** As JSON text (what the record gives back is parsed from it), or undefined. */
  executorConfig: string | undefined;
  /** Recorded: `running` or a final state (never `interrupted`). */
  state: RunState;
  endedAt: number | undefined;
  sessions: number;
  sessionStartedAt: number;
  sessionFirstTask: number;
  /** The spans of the sessions before the latest, summed. */
  priorActiveMs: number;
  lastActiveAt: number;
  cancelRequested: string | undefined;
  /** The run's own result (`close`). */
  result: StoredResult | undefined;
  /** By state code: the latest session's tasks (ids from `sessionFirstTask`). */
  counts: number[];
  readonly events: EventLog;
  readonly tasks: TaskTable;
  /** Indexes of the log events, and of each task's (-1: outside any task). */
  readonly logs: number[];
  readonly taskLogs: Map<number, number[]>;
  writer: MemoryRunWriter | undefined;
}

/** Newest runs first: by start time, then by when they were recorded. */
export const newer = (a: MemRun, b: MemRun): number =>
  b.info.startedAt - a.info.startedAt || b.key - a.key;

/** A copy, so that neither the writer nor a reader can change what is stored. */
export function copyResult(result: StoredResult): StoredResult {
  return result.kind === 'inline' ? { kind: 'inline', bytes: result.bytes.slice() } : { ...result };
}

/** Indexes in the run's events of the task's (in `slot`) task events, in write order. */
export function taskEvents(run: MemRun, slot: number): number[] {
  const out: number[] = [];
  const events = run.events;
  for (let i = run.tasks.lastOf(slot); i >= 0; i = events.prev(i)) out.push(i);
  return out.reverse();
}

/** Adds an event to the run: its task's record, the counts (latest session's tasks), the logs. */
export function addEvent(run: MemRun, e: RunEvent): void {
  const type = e.type;
  if (type === 'log' || type === 'run_started' || type === 'run_finished') {
    const i = run.events.add(e, -1);
    if (type !== 'log') return;
    run.logs.push(i);
    const list = run.taskLogs.get(e.taskId);
    if (list === undefined) run.taskLogs.set(e.taskId, [i]);
    else list.push(i);
    return;
  }
  const code = TYPE_CODES.get(type) ?? -1;
  if (code < 0 || STATE_BY_CODE[code]! < 0) {
    throw new RunStoreInputError(`unknown event type ${JSON.stringify((e as RunEvent).type)}`);
  }
  const id = e.taskId;
  if (!Number.isInteger(id) || id < 0) {
    throw new RunStoreInputError(
      `a task id must be an integer of at least 0, not ${describeValue(id)}`,
    );
  }
  const events = run.events;
  const tasks = run.tasks;
  const counted = id >= run.sessionFirstTask;
  let slot = tasks.slotOf(id);
  if (slot < 0) slot = tasks.add(id, events.length);
  else if (counted) run.counts[tasks.stateOf(slot)]!--;
  const i = events.add(e, tasks.lastOf(slot));
  tasks.apply(slot, code, i);
  if (counted) run.counts[tasks.stateOf(slot)]!++;
}

export class MemoryRunWriter implements RunWriter {
  readonly runId: string;
  readonly session: number;
  #run: MemRun | undefined;
  readonly #cacheIndex: CacheIndex;
  #stamping = false;
  readonly #stamp = (): void => {
    this.#stamping = false;
    if (this.#run !== undefined) this.#run.lastActiveAt = Date.now();
  };

  constructor(run: MemRun, cacheIndex: CacheIndex) {
    this.runId = run.info.id;
    this.session = run.sessions;
    this.#run = run;
    this.#cacheIndex = cacheIndex;
  }

  event(event: RunEvent): void {
    const run = this.#run;
    if (run === undefined) return;
    if (event.runId !== this.runId) {
      throw new RunStoreInputError(
        `an event of run ${event.runId} was written through the writer of run ${this.runId}`,
      );
    }
    addEvent(run, event);
    this.#active();
  }

  result(taskId: number, result: StoredResult | undefined, cacheKey: string | undefined): void {
    const run = this.#run;
    if (run === undefined) return;
    const slot = Number.isInteger(taskId) && taskId >= 0 ? run.tasks.slotOf(taskId) : -1;
    if (slot < 0) {
      throw new RunStoreInputError(
        `result() for task ${taskId}, which run ${this.runId} never submitted`,
      );
    }
    run.tasks.setResult(slot, result);
    run.tasks.setKey(slot, cacheKey);
    this.#active();
    if (cacheKey !== undefined) this.#cacheIndex.add(cacheKey, run);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(state: RunState, result?: StoredResult): Promise<void> {
    const run = this.#run;
    if (run === undefined) return Promise.resolve();
    checkFinalState(state);
    checkRunResult(result);
    run.state = state;
    run.endedAt = Date.now();
    run.lastActiveAt = run.endedAt;
    run.result = result && copyResult(result);
    this.release();
    return Promise.resolve();
  }

  /**
   * Notes the run's last activity: once per burst of writes, when it ends
   * (a microtask), which is when its last event was written. Reading the
   * clock for every event would add about a tenth to the cost of `event()`.
   */
  #active(): void {
    if (this.#stamping) return;
    this.#stamping = true;
    queueMicrotask(this.#stamp);
  }

  /** Stops writing, leaving the run's state as it is. */
  release(): void {
    if (this.#run?.writer === this) this.#run.writer = undefined;
    this.#run = undefined;
  }
}

/** True when this cached task is newer than `than`: a run recorded later, else a higher id. */
export function isNewer(run: MemRun, id: number, than: { run: MemRun; id: number }): boolean {
  if (run !== than.run) return run.key > than.run.key;
  return id > than.id;
}

/** Forgets the cache keys of the run's tasks (and its entries in the cache index); returns how many it had. */
export function forgetKeys(run: MemRun, cacheIndex: CacheIndex): number {
  const tasks = run.tasks;
  const forgotten = tasks.keys.size;
  for (const [slot, key] of [...tasks.keys]) {
    cacheIndex.delete(key, run);
    tasks.setKey(slot, undefined);
  }
  return forgotten;
}

/** Takes a deleted run out of the cache index. */
export function unindex(run: MemRun, cacheIndex: CacheIndex): void {
  for (const key of run.tasks.keys.values()) cacheIndex.delete(key, run);
}

/** Adds the hashes of the run's results stored as artifacts (its tasks' and its own). */
export function addArtifactHashes(run: MemRun, into: Set<string>): void {
  if (run.result?.kind === 'artifact') into.add(run.result.hash);
  const tasks = run.tasks;
  for (let slot = 0; slot < tasks.count; slot++) {
    const hash = tasks.artifactHash(slot);
    if (hash !== undefined) into.add(hash);
  }
}
