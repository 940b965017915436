/**
 * @module
 * The memory store's runs: each keeps its events as written in one array
 * (an event's `seq` is its index + 1, a task's events are chained through
 * `prev`), each task's record folded as its events arrive (`task-fold.ts`),
 * and the counts by state of the latest session's tasks kept as they
 * change; the writer, which applies each event at once and notes when
 * the run was last active; and the upkeep of a run's cache keys.
 */
import { describeValue } from '../errors/base.ts';
import { RunStoreInputError } from '../errors/store.ts';
import type { RunEvent } from '../events/events.ts';
import type { RunInfo, RunState, RunWriter, StoredResult } from './run-store.ts';
import { checkFinalState, checkRunResult } from './run-store-errors.ts';
import { STATE_AFTER, TaskFold } from './task-fold.ts';

export interface MemTask {
  readonly fold: TaskFold;
  /** Index in the run's `events` of this task's last task event (the others through `prev`). */
  last: number;
  result: StoredResult | undefined;
  cacheKey: string | undefined;
}

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
  readonly events: RunEvent[];
  /** For each task event, the index of the task's previous one (-1: none). */
  prev: Int32Array;
  /** By task id. */
  readonly tasks: MemTask[];
  /** Task ids, sorted unless `sorted` is false. */
  readonly ids: number[];
  sorted: boolean;
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

/** Indexes in the run's `events` of the task's task events, in write order. */
export function taskEvents(run: MemRun, task: MemTask): number[] {
  const out: number[] = [];
  for (let i = task.last; i >= 0; i = run.prev[i]!) out.push(i);
  return out.reverse();
}

/** Adds an event to the run: its task's record, the counts (latest session's tasks), the logs. */
export function addEvent(run: MemRun, e: RunEvent): void {
  if (e.type === 'log') {
    const i = run.events.push(e) - 1;
    run.logs.push(i);
    const list = run.taskLogs.get(e.taskId);
    if (list === undefined) run.taskLogs.set(e.taskId, [i]);
    else list.push(i);
    return;
  }
  if (e.type === 'run_started' || e.type === 'run_finished') {
    run.events.push(e);
    return;
  }
  const after = STATE_AFTER[e.type];
  if (after === undefined) {
    throw new RunStoreInputError(`unknown event type ${JSON.stringify((e as RunEvent).type)}`);
  }
  const id = e.taskId;
  if (!Number.isInteger(id) || id < 0) {
    throw new RunStoreInputError(
      `a task id must be an integer of at least 0, not ${describeValue(id)}`,
    );
  }
  const i = run.events.push(e) - 1;
  if (i >= run.prev.length) {
    const prev = new Int32Array(run.prev.length * 2);
    prev.set(run.prev);
    run.prev = prev;
  }
  const counted = id >= run.sessionFirstTask;
  let task = run.tasks[id];
  if (task === undefined) {
    task = { fold: new TaskFold(e), last: -1, result: undefined, cacheKey: undefined };
    run.tasks[id] = task;
    const last = run.ids.length === 0 ? -1 : run.ids[run.ids.length - 1]!;
    if (id < last) run.sorted = false;
    run.ids.push(id);
  } else if (counted) {
    run.counts[task.fold.state]!--;
  }
  run.prev[i] = task.last;
  task.last = i;
  task.fold.apply(e);
  if (counted) run.counts[task.fold.state]!++;
}

export class MemoryRunWriter implements RunWriter {
  readonly runId: string;
  readonly session: number;
  #run: MemRun | undefined;
  readonly #cacheIndex: Map<string, MemRun[]>;
  #stamping = false;
  readonly #stamp = (): void => {
    this.#stamping = false;
    if (this.#run !== undefined) this.#run.lastActiveAt = Date.now();
  };

  constructor(run: MemRun, cacheIndex: Map<string, MemRun[]>) {
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
    const task = run.tasks[taskId];
    if (task === undefined) {
      throw new RunStoreInputError(
        `result() for task ${taskId}, which run ${this.runId} never submitted`,
      );
    }
    task.result = result && copyResult(result);
    task.cacheKey = cacheKey;
    this.#active();
    if (cacheKey !== undefined) {
      const runs = this.#cacheIndex.get(cacheKey);
      if (runs === undefined) this.#cacheIndex.set(cacheKey, [run]);
      else if (!runs.includes(run)) runs.push(run);
    }
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
export function forgetKeys(run: MemRun, cacheIndex: Map<string, MemRun[]>): number {
  let forgotten = 0;
  for (const id of run.ids) {
    const task = run.tasks[id]!;
    if (task.cacheKey === undefined) continue;
    unindexKey(cacheIndex, task.cacheKey, run);
    task.cacheKey = undefined;
    forgotten++;
  }
  return forgotten;
}

/** Takes a deleted run out of the cache index. */
export function unindex(run: MemRun, cacheIndex: Map<string, MemRun[]>): void {
  for (const id of run.ids) {
    const key = run.tasks[id]!.cacheKey;
    if (key !== undefined) unindexKey(cacheIndex, key, run);
  }
}

function unindexKey(cacheIndex: Map<string, MemRun[]>, key: string, run: MemRun): void {
  const runs = cacheIndex.get(key);
  const i = runs?.indexOf(run) ?? -1;
  if (i < 0) return;
  runs!.splice(i, 1);
  if (runs!.length === 0) cacheIndex.delete(key);
}

/** Adds the hashes of the run's results stored as artifacts (its tasks' and its own). */
export function addArtifactHashes(run: MemRun, into: Set<string>): void {
  if (run.result?.kind === 'artifact') into.add(run.result.hash);
  for (const id of run.ids) {
    const result = run.tasks[id]!.result;
    if (result?.kind === 'artifact') into.add(result.hash);
  }
}
