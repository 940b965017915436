/**
 * @module
 * The run store in memory, for tests and throwaway runs: nothing outlives
 * the store object. Packed (`memory-run.ts`): the events in typed-array
 * columns, each task's record folded as they arrive, counts by state. A
 * writer applies each event at once, so everything is visible before
 * `flush()` is even called, and a batch is trivially atomic; `openRun`
 * checks a claim and resumes in one synchronous step, hence atomically,
 * and so do `clearCache` and `deleteRuns`.
 */

import {
  RunAlreadyOpenError,
  RunClaimedError,
  RunNotFoundError,
  RunStoreClosedError,
} from '../errors/store.ts';
import { EVENT_TYPES } from '../events/events.ts';
import { STATE_NAMES } from '../vocabulary/state.ts';
import { attemptsOf } from './attempts.ts';
import { activeMs, readState, sessionSpan } from './liveness.ts';
import { EventLog } from './memory-events.ts';
import {
  addArtifactHashes,
  addEvent,
  type CacheIndex,
  copyResult,
  forgetKeys,
  isNewer,
  MemoryRunWriter,
  type MemRun,
  newer,
  taskEvents,
  unindex,
} from './memory-run.ts';
import { MultiMap, TaskTable } from './memory-tasks.ts';
import { checkClearCache, checkDeleteRuns, checkExceptRuns, endOf } from './run-cleanup.ts';
import type {
  ArtifactHashesOptions,
  AttemptRecord,
  CachedEntry,
  ClearCacheOptions,
  DeleteRunsOptions,
  EventQuery,
  LogQuery,
  RunInfo,
  RunQuery,
  RunRecord,
  RunState,
  RunStore,
  RunWriter,
  StoredEvent,
  StoredLog,
  StoredResult,
  TaskQuery,
  TaskRecord,
} from './run-store.ts';
import {
  type CheckedEventQuery,
  checkEventQuery,
  checkLogQuery,
  checkResumes,
  checkRunId,
  checkRunQuery,
  checkTaskId,
  checkTaskQuery,
  executorConfigJson,
} from './run-store-errors.ts';
import { countsByState, INTERRUPTED, isUnfinished } from './task-fold.ts';

export class MemoryRunStore implements RunStore {
  readonly location = 'memory';
  readonly #runs = new Map<string, MemRun>();
  readonly #cacheIndex: CacheIndex = new MultiMap();
  #nextKey = 1;
  #closed = false;

  openRun(info: RunInfo): RunWriter {
    this.#open();
    checkRunId(info.id);
    checkResumes(info);
    const config = executorConfigJson(info);
    const { resumes, executorConfig: _config, ...rest } = info;
    let run = this.#runs.get(info.id);
    if (resumes !== undefined) {
      if (run === undefined) throw new RunNotFoundError(info.id, this.location);
      if (run.sessions !== resumes) {
        throw new RunClaimedError(info.id, run.sessions, run.info.host, run.info.pid);
      }
    }
    const now = Date.now();
    if (run === undefined) {
      run = {
        key: this.#nextKey++,
        info: { ...rest, params: info.params && structuredClone(info.params) },
        executorConfig: config,
        state: 'running',
        endedAt: undefined,
        sessions: 1,
        sessionStartedAt: info.startedAt,
        sessionFirstTask: 0,
        priorActiveMs: 0,
        lastActiveAt: now,
        cancelRequested: undefined,
        result: undefined,
        counts: STATE_NAMES.map(() => 0),
        events: new EventLog(),
        tasks: new TaskTable(),
        logs: [],
        taskLogs: new Map(),
        writer: undefined,
      };
      this.#runs.set(info.id, run);
    } else {
      if (run.writer !== undefined) throw new RunAlreadyOpenError(info.id, this.location);
      run.info = { ...run.info, pid: info.pid, host: info.host };
      run.priorActiveMs += sessionSpan(run);
      run.state = 'running';
      run.endedAt = undefined;
      run.sessions++;
      run.sessionStartedAt = info.startedAt;
      run.lastActiveAt = now;
      run.cancelRequested = undefined;
      run.result = undefined;
      if (config !== undefined) run.executorConfig = config;
      const { tasks, events } = run;
      for (let k = 0; k < tasks.count; k++) {
        const slot = tasks.slotAt(k);
        if (!isUnfinished(tasks.stateOf(slot))) continue;
        const head = tasks.headOf(slot);
        const started = tasks.startedOf(slot);
        addEvent(run, {
          type: 'cancelled',
          runId: info.id,
          taskId: tasks.idAt(slot),
          name: events.nameAt(head),
          label: events.labelAt(head),
          attempt: started < 0 ? 0 : events.attemptAt(started),
          time: now,
          reason: INTERRUPTED,
        });
      }
      run.sessionFirstTask = tasks.maxId + 1;
      run.counts = STATE_NAMES.map(() => 0);
    }
    const writer = new MemoryRunWriter(run, this.#cacheIndex);
    run.writer = writer;
    return writer;
  }

  continueRun(runId: string): RunWriter {
    this.#open();
    checkRunId(runId);
    const run = this.#runs.get(runId);
    if (run === undefined) throw new RunNotFoundError(runId, this.location);
    if (run.writer !== undefined) throw new RunAlreadyOpenError(runId, this.location);
    const writer = new MemoryRunWriter(run, this.#cacheIndex);
    run.writer = writer;
    return writer;
  }

  runs(query?: RunQuery): RunRecord[] {
    this.#open();
    const q = checkRunQuery(query);
    return [...this.#runs.values()]
      .filter((r) => q.workflow === undefined || r.info.workflow === q.workflow)
      .filter((r) => q.state === undefined || this.#state(r) === q.state)
      .sort(newer)
      .slice(q.offset, q.offset + q.limit)
      .map((r) => this.#record(r));
  }

  run(idOrPrefix: string): RunRecord | undefined {
    this.#open();
    if (typeof idOrPrefix !== 'string' || idOrPrefix.length === 0) return undefined;
    const exact = this.#runs.get(idOrPrefix);
    if (exact !== undefined) return this.#record(exact);
    const matches = [...this.#runs.keys()].filter((id) => id.startsWith(idOrPrefix));
    return matches.length === 1 ? this.#record(this.#runs.get(matches[0]!)!) : undefined;
  }

  tasks(runId: string, query?: TaskQuery): TaskRecord[] {
    this.#open();
    const q = checkTaskQuery(query);
    const run = this.#runs.get(runId);
    if (run === undefined) return [];
    const states = q.states && new Set(q.states.map((s) => STATE_NAMES.indexOf(s)));
    const text = q.name;
    const { tasks, events } = run;
    const out: TaskRecord[] = [];
    let skip = q.offset;
    const first = q.session === 'latest' ? tasks.firstFrom(run.sessionFirstTask) : 0;
    for (let k = first; k < tasks.count && out.length < q.limit; k++) {
      const slot = tasks.slotAt(k);
      if (states !== undefined && !states.has(tasks.stateOf(slot))) continue;
      if (text !== undefined) {
        const head = tasks.headOf(slot);
        if (!events.nameAt(head).includes(text) && !events.labelAt(head)?.includes(text)) continue;
      }
      if (skip > 0) skip--;
      else out.push(tasks.record(slot, run.info.id, events));
    }
    return out;
  }

  task(runId: string, taskId: number): TaskRecord | undefined {
    this.#open();
    checkTaskId(taskId);
    const run = this.#runs.get(runId);
    const slot = run === undefined ? -1 : run.tasks.slotOf(taskId);
    return slot < 0 ? undefined : run!.tasks.record(slot, runId, run!.events);
  }

  attempts(runId: string, taskId: number): AttemptRecord[] {
    this.#open();
    checkTaskId(taskId);
    const run = this.#runs.get(runId);
    const slot = run === undefined ? -1 : run.tasks.slotOf(taskId);
    if (slot < 0) return [];
    return attemptsOf(taskEvents(run!, slot).map((i) => run!.events.peek(i, runId)));
  }

  events(runId: string, query?: EventQuery): StoredEvent[] {
    this.#open();
    return this.#select(runId, checkEventQuery(query));
  }

  logs(runId: string, query?: LogQuery): StoredLog[] {
    this.#open();
    return this.#select(runId, checkLogQuery(query)) as StoredLog[];
  }

  result(runId: string, taskId: number): StoredResult | undefined {
    this.#open();
    checkTaskId(taskId);
    const tasks = this.#runs.get(runId)?.tasks;
    const slot = tasks === undefined ? -1 : tasks.slotOf(taskId);
    return slot < 0 ? undefined : tasks!.result(slot);
  }

  runResult(runId: string): StoredResult | undefined {
    this.#open();
    const result = this.#runs.get(runId)?.result;
    return result && copyResult(result);
  }

  findCachedMany(cacheKeys: readonly string[]): Map<string, CachedEntry> {
    const found = new Map<string, CachedEntry>();
    for (const key of cacheKeys) {
      const entry = found.has(key) ? undefined : this.findCached(key);
      if (entry !== undefined) found.set(key, entry);
    }
    return found;
  }

  findCached(cacheKey: string): CachedEntry | undefined {
    this.#open();
    let best: { run: MemRun; id: number; slot: number } | undefined;
    for (const run of this.#cacheIndex.get(cacheKey)) {
      const tasks = run.tasks;
      for (const slot of tasks.byKey.get(cacheKey)) {
        const state = STATE_NAMES[tasks.stateOf(slot)];
        if (!tasks.hasResult(slot) || (state !== 'succeeded' && state !== 'cached')) continue;
        const id = tasks.idAt(slot);
        if (best === undefined || isNewer(run, id, best)) best = { run, id, slot };
      }
    }
    return (
      best && {
        runId: best.run.info.id,
        taskId: best.id,
        result: best.run.tasks.result(best.slot)!,
      }
    );
  }

  requestCancel(runId: string, reason: string): void {
    this.#open();
    const run = this.#runs.get(runId);
    if (run === undefined) throw new RunNotFoundError(runId, this.location);
    run.cancelRequested = reason;
  }

  clearCache(options?: ClearCacheOptions): number {
    this.#open();
    const before = checkClearCache(options);
    let forgotten = 0;
    for (const run of this.#runs.values()) {
      if (before === undefined || run.info.startedAt < before) {
        forgotten += forgetKeys(run, this.#cacheIndex);
      }
    }
    return forgotten;
  }

  deleteRuns(options: DeleteRunsOptions): string[] {
    this.#open();
    const { endedBefore, dryRun } = checkDeleteRuns(options);
    const doomed = [...this.#runs.values()]
      .filter((run) => {
        if (run.writer !== undefined) return false;
        const end = endOf(this.#state(run), run.endedAt, run.lastActiveAt);
        return end !== undefined && end < endedBefore;
      })
      .sort((a, b) => newer(b, a));
    if (!dryRun) {
      for (const run of doomed) {
        this.#runs.delete(run.info.id);
        unindex(run, this.#cacheIndex);
      }
    }
    return doomed.map((run) => run.info.id);
  }

  artifactHashes(options?: ArtifactHashesOptions): string[] {
    this.#open();
    const except = checkExceptRuns(options);
    const hashes = new Set<string>();
    for (const run of this.#runs.values()) {
      if (!except.has(run.info.id)) addArtifactHashes(run, hashes);
    }
    return [...hashes].sort();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#closed) return;
    for (const run of this.#runs.values()) run.writer?.release();
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) throw new RunStoreClosedError(this.location);
  }

  #state(run: MemRun): RunState {
    return readState(run.state, run.info.host, run.info.pid);
  }

  #record(run: MemRun): RunRecord {
    const state = this.#state(run);
    return {
      ...run.info,
      params: run.info.params && structuredClone(run.info.params),
      executorConfig: run.executorConfig === undefined ? undefined : JSON.parse(run.executorConfig),
      state,
      endedAt: run.endedAt,
      sessions: run.sessions,
      sessionStartedAt: run.sessionStartedAt,
      sessionFirstTask: run.sessionFirstTask,
      lastActiveAt: run.lastActiveAt,
      activeMs: activeMs({ ...run, state }),
      counts: countsByState(run.counts),
      hasResult: run.result !== undefined,
      cancelRequested: run.cancelRequested,
    };
  }

  #select(runId: string, q: CheckedEventQuery): StoredEvent[] {
    const run = this.#runs.get(runId);
    if (run === undefined) return [];
    let indexes: readonly number[] | undefined;
    if (q.taskId !== undefined) {
      const slot = q.taskId < 0 ? -1 : run.tasks.slotOf(q.taskId);
      const own = slot < 0 ? [] : taskEvents(run, slot);
      const logs = run.taskLogs.get(q.taskId) ?? [];
      indexes = logs.length === 0 ? own : [...own, ...logs].sort((a, b) => a - b);
    } else if (q.types?.size === 1 && q.types.has('log')) {
      indexes = run.logs;
    }
    const out: StoredEvent[] = [];
    const { events } = run;
    const types = q.types && new Set([...q.types].map((t) => EVENT_TYPES.indexOf(t)));
    const take = (i: number): boolean => {
      if (types === undefined || types.has(events.typeAt(i))) out.push(events.stored(i, runId));
      return out.length < q.limit;
    };
    if (q.limit === 0) return out;
    if (indexes === undefined) {
      for (let i = q.afterSeq; i < events.length; i++) if (!take(i)) break;
    } else {
      for (const i of indexes) if (i >= q.afterSeq && !take(i)) break;
    }
    return out;
  }
}

/** A new, empty memory run store. */
export function createMemoryRunStore(): MemoryRunStore {
  return new MemoryRunStore();
}
