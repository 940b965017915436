/**
 * @module
 * A run's memory: the run store's record of it (every event, every result),
 * the cache of task results, and, for a resumed or re-run run, the earlier
 * run's records that submissions are matched against. `run()` makes one per
 * run; the scheduler reaches it through the run for cache lookups.
 */
import { hostname } from 'node:os';
import { argsHash } from '../cache/args-hash.ts';
import { type CacheMode, TaskCache } from '../cache/task-cache.ts';
import { RunNotFoundError, RunStillRunningError } from '../errors/store.ts';
import type { EventBus } from '../events/bus.ts';
import type { RunStarted } from '../events/events.ts';
import type { ResourceScope } from '../resources/scope.ts';
import type { DispatchBehaviour } from '../scheduler/behaviours.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { ArtifactStore } from '../store/artifact-store.ts';
import { RunRecorder } from '../store/recorder.ts';
import { withOutputs } from '../store/result-codec.ts';
import { ResumeIndex } from '../store/resume-index.ts';
import type { RunState, RunStore, StoredResult, TaskRecord } from '../store/run-store.ts';
import type { RecordedResult } from '../vocabulary/recorded.ts';
import type { Task } from '../vocabulary/task.ts';
import { Ordinals } from './ordinals.ts';

export interface RecordingOptions {
  readonly store: RunStore;
  readonly artifacts: ArtifactStore | undefined;
  readonly runId: string;
  readonly workflow: string | undefined;
  readonly mode: string | undefined;
  readonly executor: string;
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly cwd: string;
  readonly cache: CacheMode;
  /** Continue this run (its id is `runId`). */
  readonly resume: boolean;
  /** A new run that reuses the results of this one. */
  readonly reuseFrom: string | undefined;
  /** How the executor was chosen (a kind, or a kind with options), when it can be recorded. */
  readonly executorConfig?: unknown;
  readonly started: RunStarted;
}

/** What a submission carries for the run store and the matcher. */
export interface SubmissionInfo {
  ordinal: number;
  argsHash: string | undefined;
  recorded: RecordedResult | undefined;
  match: TaskRecord | undefined;
}

const CANCEL_POLL_MS = 1000;

export class RunRecording {
  readonly store: RunStore;
  /** The first task id of this session. */
  readonly firstId: number;
  readonly #recorder: RunRecorder;
  readonly #index: ResumeIndex | undefined;
  readonly #ordinals = new Ordinals();
  readonly #cacheMode: CacheMode;
  readonly #artifacts: ArtifactStore | undefined;
  readonly #runId: string;
  #cache: TaskCache | undefined;
  #sched: Scheduler | undefined;
  /** The stored result of the submission being added, for the recorder. */
  #storedNext: StoredResult | undefined;
  readonly #info: SubmissionInfo = {
    ordinal: 0,
    argsHash: undefined,
    recorded: undefined,
    match: undefined,
  };
  #poll: NodeJS.Timeout | undefined;
  #claims: number | undefined;

  constructor(options: RecordingOptions) {
    const { store, runId } = options;
    this.store = store;
    this.#runId = runId;
    this.#artifacts = options.artifacts;
    this.#cacheMode = options.cache;
    const from = options.resume ? runId : options.reuseFrom;
    if (from !== undefined) {
      const earlier = store.run(from);
      if (earlier === undefined || earlier.id !== from) {
        throw new RunNotFoundError(from, store.location);
      }
      if (options.resume && earlier.state === 'running' && isAlive(earlier.host, earlier.pid)) {
        throw new RunStillRunningError(from, earlier.pid);
      }
      // The session seen here: opening claims it, unless another resume did meanwhile.
      if (options.resume) this.#claims = earlier.sessions;
      this.#index = new ResumeIndex(store, from, options.artifacts);
    }
    this.firstId = options.resume ? (this.#index?.maxId ?? -1) + 1 : 0;
    const writer = store.openRun({
      id: runId,
      workflow: options.workflow,
      mode: options.mode,
      executor: options.executor,
      params: options.params,
      rerunOf: options.reuseFrom,
      cwd: options.cwd,
      host: hostname(),
      pid: process.pid,
      startedAt: options.started.time,
      ...(this.#claims === undefined ? {} : { resumes: this.#claims }),
      ...(options.executorConfig === undefined ? {} : { executorConfig: options.executorConfig }),
    });
    this.#recorder = new RunRecorder(
      writer,
      {
        resultOf: (id) => this.#resultToRecord(id),
        cacheKeyOf: (id) => this.#cacheKeyOf(id),
        takeStored: (id) => this.#takeStored(id),
      },
      options.artifacts,
    );
    this.#recorder.listener(options.started);
  }

  /** Starts recording the run's events and serving its cache. */
  attach(
    sched: Scheduler,
    scope: ResourceScope,
    bus: EventBus,
    cancel: (reason: string) => void,
  ): void {
    this.#sched = sched;
    bus.attachSink(this.#recorder.sink);
    if (this.#cacheMode !== 'off') {
      this.#cache = new TaskCache(this.#cacheMode, this.store, this.#artifacts, {
        taskOf: (id) => sched.taskOf(id),
        argsOf: (id) => sched.argsFor(id),
        resultOf: (id) => sched.resultOf(id),
        resourceConfig: (name) => ({
          config: scope.configOf(name),
          dependsOn: scope.definition(name)?.dependsOn ?? [],
        }),
      });
    }
    this.#poll = setInterval(() => {
      const reason = this.store.run(this.#runId)?.cancelRequested;
      if (reason !== undefined) cancel(reason);
    }, CANCEL_POLL_MS);
    this.#poll.unref();
  }

  /**
   * Identifies a submission (ordinal, arguments) and finds what it matches
   * in the run it resumes or re-runs. The object returned is reused.
   */
  beforeSubmit(
    task: Task,
    args: readonly unknown[],
    kind: number,
    deps: readonly number[],
    parentId: number,
  ): SubmissionInfo {
    const info = this.#info;
    info.ordinal = this.#ordinals.next(parentId, task.name);
    info.argsHash = argsHash(args, kind, deps);
    info.recorded = undefined;
    info.match = undefined;
    const index = this.#index;
    if (index !== undefined) {
      const rec = index.match(parentId, task.name, info.ordinal, info.argsHash, deps);
      if (rec !== undefined) {
        info.match = rec;
        const reuse = index.reuse(rec);
        if (reuse !== undefined) {
          info.recorded = reuse.recorded;
          this.#storedNext = reuse.stored;
        }
      }
    }
    if (task.options.cache && this.#cache !== undefined) {
      const id = this.#sched!.size;
      this.#cache.submitted(id, info.argsHash, deps);
      // A result reused from the run it resumes keeps the key it was recorded with, so
      // that its dependents' keys are those a fresh run makes.
      const key = info.recorded?.cacheKey;
      if (key !== undefined) this.#cache.recordedKey(id, key);
    }
    return info;
  }

  /** Called with the id the submission got. */
  afterSubmit(id: number, info: SubmissionInfo): void {
    if (info.match !== undefined) this.#index!.bind(id, info.match);
    this.#storedNext = undefined;
  }

  /**
   * The cache as the first dispatch behaviour (skip if redundant), when the
   * run's cache mode reads or writes: a ready task that asks for caching has
   * its key made, and a recorded result for it ends it as `cached`.
   */
  cacheBehaviour(): DispatchBehaviour | undefined {
    if (this.#cacheMode === 'off') return undefined;
    return {
      name: 'cache',
      options: { mode: this.#cacheMode },
      beforeStart: (id: number, task: Task): RecordedResult | undefined =>
        task.options.cache ? this.#cache?.lookup(id) : undefined,
    };
  }

  /** Writes what is still queued and records the run's final state. */
  async close(state: RunState, value?: { readonly value: unknown }): Promise<void> {
    if (this.#poll !== undefined) clearInterval(this.#poll);
    await this.#recorder.close(state, value);
  }

  #cacheKeyOf(id: number): string | undefined {
    const cache = this.#cache;
    if (cache === undefined || !cache.writes || !this.#sched!.taskOf(id).options.cache)
      return undefined;
    return cache.keyOf(id);
  }

  /** A task's result as recorded: with its output files' hashes when it declares files. */
  #resultToRecord(id: number): unknown {
    const value = this.#sched!.resultOf(id);
    const outputs = this.#cache?.outputsOf(id);
    return outputs === undefined ? value : withOutputs(value, outputs);
  }

  #takeStored(id: number): StoredResult | undefined {
    const hit = this.#cache?.takeHit(id);
    if (hit !== undefined) return hit;
    const stored = this.#storedNext;
    this.#storedNext = undefined;
    return stored;
  }
}

/** Whether the process that ran a run is alive (only knowable on the same host). */
function isAlive(host: string, pid: number): boolean {
  if (host !== hostname() || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
