/**
 * @module
 * One run from start to end: settles its resources and executor, records
 * it, drives main and the scheduler, takes submissions (checking labels,
 * resources and arguments), and ends it with its final state.
 */
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { CACHE_MODES } from '../cache/task-cache.ts';
import { serializeError, WeftError } from '../errors/base.ts';
import {
  DuplicateLabelError,
  InvalidOptionError,
  RunCancelledError,
  RunFailedError,
} from '../errors/errors.ts';
import { EventBus } from '../events/bus.ts';
import type { RunEvent, RunStarted } from '../events/events.ts';
import { Future } from '../frontends/futures/future.ts';
import {
  MissingResourceError,
  NotProcessSafeError,
  ResourceSetError,
} from '../resources/errors.ts';
import type { ResourceScope } from '../resources/scope.ts';
import { scanArgs } from '../scheduler/args.ts';
import type { InvocationHost, RecordedResult } from '../scheduler/invocation.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import type { RunState, RunStore } from '../store/run-store.ts';
import { parseDuration } from '../util/duration.ts';
import { createLogger, type Logger, type LogRecord } from '../vocabulary/logger.ts';
import { type SubmitScope, submitScope } from '../vocabulary/scope.ts';
import { type AnyArgs, isTask, type Task } from '../vocabulary/task.ts';
import { newRunId, notATask, resolveFutures } from './helpers.ts';
import { RunRecording } from './recording.ts';
import type { RunOptions } from './run-options.ts';
import { type PreparedRun, prepareRun } from './setup.ts';

export class Run implements InvocationHost, SubmitScope {
  readonly runId: string;
  readonly bus = new EventBus();
  readonly labels = new Map<string, number>();
  readonly parentId = -1;
  readonly attempt = 0;
  /** True once `run_finished` was emitted. */
  ended = false;
  readonly #options: RunOptions;
  readonly #graceMs: number;
  readonly #keepGoing: boolean;
  #logger: Logger | undefined;
  #scheduler: Scheduler | undefined;
  #scope: ResourceScope | undefined;
  #executorName = '';
  #remote = false;
  #hasSource = false;
  #check: ((task: Task, args: readonly unknown[]) => void) | undefined;
  #finished = false;
  #cancelledByUser = false;
  #pendingCancel: string | undefined;
  /** The first error an event listener threw; it fails the run. */
  #listenerError: unknown;
  /** Tasks whose declared resources were checked against the set. */
  readonly #checked = new WeakSet<Task>();
  #record: RunRecording | undefined;
  #finalState: RunState = 'failed';
  /** Scratch list of a submission's dependencies (the scheduler copies what it keeps). */
  readonly #deps: number[] = [];

  constructor(options: RunOptions) {
    this.#options = options;
    if (options.record === false && (options.resume ?? options.reuseFrom) !== undefined) {
      throw new InvalidOptionError('run: a run that is not recorded cannot resume or reuse one');
    }
    if (options.resume !== undefined && options.reuseFrom !== undefined) {
      throw new InvalidOptionError('run: resume and reuseFrom cannot be given together');
    }
    if (options.cache !== undefined && !CACHE_MODES.includes(options.cache)) {
      throw new InvalidOptionError(
        `run: cache must be one of ${CACHE_MODES.join(', ')}, got ${JSON.stringify(options.cache)}`,
      );
    }
    const r = options.retries;
    if (r !== undefined && (!Number.isInteger(r) || r < 0 || r > 1000)) {
      throw new InvalidOptionError(
        `run: retries must be a whole number from 0 to 1000, got ${String(r)}`,
      );
    }
    this.runId = options.resume ?? options.runId ?? newRunId();
    this.#graceMs = parseDuration(options.cancelGrace ?? '5s', 'run: cancelGrace');
    this.#logger = options.logger;
    this.#keepGoing = options.keepGoing ?? false;
    this.bus.onListenerError = (error) => this.#onListenerError(error);
    if (options.onEvent) this.bus.on(options.onEvent);
    const external = options.signal;
    if (external) {
      if (external.aborted) this.cancel("the run's signal was already aborted");
      else
        external.addEventListener('abort', () => this.cancel("the run's signal aborted"), {
          once: true,
        });
    }
  }

  /** A listener that throws (a store that cannot write, say) fails the run: nothing is lost silently. */
  #onListenerError(error: unknown): void {
    if (this.#listenerError !== undefined) return;
    this.#listenerError = error;
    queueMicrotask(() =>
      this.#cancelScheduler(`an event listener threw: ${serializeError(error).message}`),
    );
  }

  cancel(reason: string): void {
    if (this.#scheduler?.cancelReason === undefined && this.#pendingCancel === undefined) {
      this.#cancelledByUser = true;
    }
    this.#cancelScheduler(reason);
  }

  #cancelScheduler(reason: string): void {
    if (this.#scheduler === undefined) this.#pendingCancel ??= reason;
    else this.#scheduler.cancel(reason);
  }

  submit(task: Task, args: AnyArgs, parentId: number): Future {
    if (!isTask(task)) throw notATask(task);
    const sched = this.#scheduler;
    if (this.#finished || sched === undefined) {
      throw new WeftError(
        'WEFT_RUN_FINISHED',
        `submit(${task.name}): run ${this.runId} has finished; a task that outlived its run cannot add to it`,
      );
    }
    if (task.options.resources.length > 0 && !this.#checked.has(task)) this.#checkResources(task);
    const deps = this.#deps;
    deps.length = 0;
    const kind = scanArgs(args, sched, task.name, deps);
    sched.checkRequirements(task);
    this.#check?.(task, args);
    const label = task.options.label;
    if (label !== undefined) {
      const first = this.labels.get(label);
      if (first !== undefined) {
        throw new DuplicateLabelError(
          label,
          { id: first, name: sched.nameOf(first), label },
          task.name,
        );
      }
    }
    const record = this.#record;
    let id: number;
    if (record === undefined) id = sched.add(task, args, kind, deps, parentId);
    else {
      const info = record.beforeSubmit(task, args, kind, deps, parentId);
      id = sched.add(task, args, kind, deps, parentId, info.ordinal, info.argsHash, info.recorded);
      record.afterSubmit(id, info);
    }
    if (label !== undefined) this.labels.set(label, id);
    return new Future(sched, id);
  }

  /**
   * A task's resources must be in the set and, under a remote executor,
   * rebuildable where it runs the task: they and everything they are made from.
   */
  #checkResources(task: Task): void {
    const scope = this.#scope!;
    const seen = new Set<string>();
    const visit = (name: string, neededBy: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const def = scope.definition(name);
      if (def === undefined) throw new MissingResourceError(name, neededBy, scope.names);
      // A worker-scoped resource is made anew in each worker: being per-process is what it asks for.
      if (this.#remote && !def.processSafe && def.scope !== 'worker') {
        throw new NotProcessSafeError(name, task.name, this.#executorName);
      }
      for (const dep of def.dependsOn) visit(dep, `resource "${name}"`);
    };
    for (const name of task.options.resources) visit(name, `task ${task.name}`);
    if (this.#remote && !this.#hasSource) {
      throw new ResourceSetError(
        `task ${task.name} needs resources, and executor "${this.#executorName}" runs tasks in workers, ` +
          'which rebuild resources from a mode of weft.config.ts; this run was given its resource set ' +
          'directly. Run it under a mode (the mode option or WEFT_MODE), or with the inline executor',
      );
    }
    this.#checked.add(task);
  }

  lookupCache(id: number): RecordedResult | undefined {
    return this.#record?.lookupCache(id);
  }

  taskLogger(taskId: number, attempt: number): Logger {
    return this.#logSink(taskId, attempt, this.#scheduler!.describe(taskId));
  }

  /** A logger whose records become log events and reach the run's logger. */
  #logSink(taskId: number, attempt: number, task: string | undefined): Logger {
    return createLogger((record: LogRecord) => {
      if (this.bus.active) {
        this.bus.emit({
          type: 'log',
          runId: this.runId,
          taskId,
          attempt,
          ...record,
          time: Date.now(),
        });
      }
      const where =
        task === undefined ? { runId: this.runId } : { runId: this.runId, task, taskId, attempt };
      this.#logger?.[record.level](record.message, { ...record.fields, ...where });
    });
  }

  async execute(main: () => unknown): Promise<unknown> {
    await Promise.resolve(); // let the caller subscribe to events first
    const started: RunStarted = { type: 'run_started', runId: this.runId, time: Date.now() };
    this.#emit(started);
    let prepared: Awaited<ReturnType<typeof prepareRun>>;
    try {
      prepared = await prepareRun(this.#options, this.runId, this.#logSink(-1, 0, undefined));
    } catch (error) {
      this.#end('failed');
      throw error;
    }
    this.#scope = prepared.scope;
    this.#logger ??= prepared.logger;
    this.#executorName = prepared.executor.name;
    this.#remote = prepared.executor.remote === true;
    this.#hasSource = prepared.source !== undefined;
    this.#check = prepared.executor.check?.bind(prepared.executor);
    let record: RunRecording | undefined;
    try {
      if (prepared.store !== undefined)
        record = this.#startRecord(prepared.store, prepared, started);
    } catch (error) {
      await prepared.scope[Symbol.asyncDispose]();
      this.#end('failed');
      throw error;
    }
    this.#record = record;
    const sched = new Scheduler({
      runId: this.runId,
      executor: prepared.executor,
      keepGoing: this.#keepGoing,
      bus: this.bus,
      host: this,
      firstId: record?.firstId ?? 0,
      defaultRetries: this.#options.retries ?? 0,
    });
    this.#scheduler = sched;
    record?.attach(sched, prepared.scope, this.bus, (reason) => this.cancel(reason));
    // Every task without a timeout shares the run's signal; many listeners are expected.
    setMaxListeners(0, sched.signal);
    if (this.#pendingCancel !== undefined) sched.cancel(this.#pendingCancel);
    try {
      return await this.#drive(sched, main);
    } finally {
      try {
        await record?.close(this.#finalState);
      } finally {
        await prepared.scope[Symbol.asyncDispose]();
      }
    }
  }

  #startRecord(store: RunStore, prepared: PreparedRun, started: RunStarted): RunRecording {
    const o = this.#options;
    return new RunRecording({
      store,
      artifacts: prepared.artifacts,
      runId: this.runId,
      workflow: o.workflow,
      mode: prepared.mode,
      executor: prepared.executor.name,
      params: o.params,
      cwd: resolve(o.cwd ?? process.cwd()),
      cache: o.cache ?? 'readwrite',
      resume: o.resume !== undefined,
      reuseFrom: o.reuseFrom,
      started,
    });
  }

  async #drive(sched: Scheduler, main: () => unknown): Promise<unknown> {
    let value: unknown;
    let mainError: unknown;
    let mainFailed = false;
    try {
      value = await submitScope.run(this, main);
    } catch (error) {
      mainFailed = true;
      mainError = error;
      if (!this.#keepGoing) sched.cancel('the main function threw');
    }
    if (!mainFailed) {
      try {
        value = await resolveFutures(value);
      } catch (error) {
        // A returned future that did not succeed fails the run, even when it
        // was cancelled rather than failed (and so is not among the failures).
        mainFailed = true;
        mainError = error;
      }
    }
    await sched.whenIdle();
    // Attempts that timed out or were cancelled may still be running: give them
    // the grace period to notice their signal before the run ends.
    await sched.whenQuiet(this.#graceMs);
    this.#finished = true;
    const failures = sched.failures();
    if (this.#listenerError !== undefined && !mainFailed) {
      mainFailed = true;
      mainError = this.#listenerError;
    }
    const state =
      this.#cancelledByUser && this.#listenerError === undefined
        ? 'cancelled'
        : failures.length > 0 || mainFailed
          ? 'failed'
          : 'succeeded';
    this.#end(state);
    if (state === 'cancelled')
      throw new RunCancelledError(this.runId, sched.cancelReason ?? 'cancelled');
    if (state === 'failed')
      throw new RunFailedError(this.runId, failures, mainFailed ? mainError : undefined);
    return value;
  }

  #end(state: 'succeeded' | 'failed' | 'cancelled'): void {
    this.#finalState = state;
    this.#finished = true;
    this.ended = true;
    this.#emit({ type: 'run_finished', runId: this.runId, state, time: Date.now() });
  }

  #emit(event: RunEvent): void {
    if (this.bus.active) this.bus.emit(event);
  }
}
