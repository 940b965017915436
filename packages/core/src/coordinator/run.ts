/**
 * @module
 * The run coordinator: one run from start to end. It settles the run's
 * resources and executor, records it, takes nodes from front ends through
 * the `NodeGraph` seam (checking labels, resources, requirements and
 * arguments), drives the scheduler, and ends the run with its final state.
 * It knows nothing of futures: a front end hands it a body to run (main,
 * for the futures front end) and reads nodes back through the seam.
 */
import { setMaxListeners } from 'node:events';
import { serializeError } from '../errors/base.ts';
import {
  DuplicateLabelError,
  InvalidOptionError,
  RunCancelledError,
  RunFailedError,
  RunFinishedError,
} from '../errors/run.ts';
import { EventBus } from '../events/bus.ts';
import type { RunEvent, RunStarted } from '../events/events.ts';
import { addDep, scanArgs } from '../scheduler/args.ts';
import type { DispatchBehaviour } from '../scheduler/behaviours.ts';
import type { InvocationHost } from '../scheduler/invocation.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import type { RunState } from '../store/run-store.ts';
import { createLogger, type Logger, type LogRecord } from '../vocabulary/logger.ts';
import { expandNode, type NodeGraph, type NodeSpec, nodeExpanders } from '../vocabulary/node.ts';
import type { SubmitScope } from '../vocabulary/scope.ts';
import type { TaskState } from '../vocabulary/state.ts';
import { isTask } from '../vocabulary/task.ts';
import { newRunId, notATask } from './helpers.ts';
import { LabelIndex, labelHash } from './label-index.ts';
import { openRecording } from './open-recording.ts';
import type { RunRecording } from './recording.ts';
import type { CompiledRunOptions } from './run-options.ts';
import { type PreparedRun, prepareRun } from './setup.ts';
import { SubmitChecks } from './submit-checks.ts';

export class Run implements NodeGraph, InvocationHost, SubmitScope {
  readonly runId: string;
  readonly bus = new EventBus();
  readonly labels = new LabelIndex((id) => this.#scheduler!.labelOf(id));
  /** As the submit scope of the run's main code: no parent node. */
  readonly parentId = -1;
  readonly attempt = 0;
  /** True once `run_finished` was emitted. */
  ended = false;
  readonly #o: CompiledRunOptions;
  #logger: Logger | undefined;
  #runLog: Logger | undefined;
  #scheduler: Scheduler | undefined;
  /** What a node is checked for at submit, per executor pool. */
  #checks: SubmitChecks | undefined;
  #finished = false;
  #cancelledByUser = false;
  #pendingCancel: string | undefined;
  /** The first error an event listener threw; it fails the run. */
  #listenerError: unknown;
  #record: RunRecording | undefined;
  #finalState: RunState = 'failed';
  /** What main returned, once the run succeeded: recorded with its final state. */
  #finalValue: { readonly value: unknown } | undefined;
  /** Scratch list of a node's dependencies (the scheduler copies what it keeps). */
  readonly #deps: number[] = [];

  constructor(options: CompiledRunOptions) {
    this.#o = options;
    this.runId = options.runId ?? newRunId();
    this.#logger = options.logger;
    this.bus.onListenerError = (error) => this.#onListenerError(error);
    if (options.onEvent) this.bus.on(options.onEvent);
    const external = options.signal;
    if (external) {
      if (external.aborted) this.cancelRun("the run's signal was already aborted");
      else
        external.addEventListener('abort', () => this.cancelRun("the run's signal aborted"), {
          once: true,
        });
    }
  }

  /** The graph of the run's main code: the run itself. */
  get graph(): NodeGraph {
    return this;
  }

  /** A listener that throws (a store that cannot write, say) fails the run: nothing is lost silently. */
  #onListenerError(error: unknown): void {
    if (this.#listenerError !== undefined) return;
    this.#listenerError = error;
    queueMicrotask(() =>
      this.#cancelScheduler(`an event listener threw: ${serializeError(error).message}`),
    );
  }

  /** Stops dispatching and cancels running tasks; the run ends as cancelled. */
  cancelRun(reason: string): void {
    if (this.#scheduler?.cancelReason === undefined && this.#pendingCancel === undefined) {
      this.#cancelledByUser = true;
    }
    this.#cancelScheduler(reason);
  }

  #cancelScheduler(reason: string): void {
    if (this.#scheduler === undefined) this.#pendingCancel ??= reason;
    else this.#scheduler.cancel(reason);
  }

  // ---- the NodeGraph seam ----

  add(given: NodeSpec): number {
    // A front end may turn nodes of its tasks into others (see `NodeExpander`).
    const spec = nodeExpanders.size === 0 ? given : expandNode(this, given);
    let task = spec.task;
    if (!isTask(task)) throw notATask(task);
    const sched = this.#scheduler;
    if (this.#finished || sched === undefined) {
      throw new RunFinishedError(task.name, this.runId);
    }
    if (spec.options !== undefined) task = task.with(spec.options);
    if (spec.label !== undefined) task = task.with({ label: spec.label });
    const pool = sched.poolFor(task, spec.parent);
    const checks = this.#checks!;
    checks.resources(task, pool);
    const args = spec.args as unknown[];
    const deps = this.#deps;
    deps.length = 0;
    const kind = scanArgs(args, this, task.name, deps);
    if (spec.after !== undefined) this.#addAfter(spec.after, deps, task.name, sched.size);
    sched.checkRequirements(task, pool);
    checks.executor(task, args, pool);
    const label = task.label;
    let hash = 0;
    if (label !== undefined) {
      hash = labelHash(label);
      const first = this.labels.find(label, hash);
      if (first >= 0) {
        throw new DuplicateLabelError(
          label,
          { id: first, name: sched.nameOf(first), label },
          task.name,
        );
      }
    }
    const parent = spec.parent;
    const record = this.#record;
    let id: number;
    if (record === undefined)
      id = sched.add(task, args, kind, deps, parent, 0, undefined, undefined, pool);
    else {
      const info = record.beforeSubmit(task, args, kind, deps, parent);
      const { ordinal, argsHash, recorded } = info;
      id = sched.add(task, args, kind, deps, parent, ordinal, argsHash, recorded, pool);
      record.afterSubmit(id, info);
    }
    if (label !== undefined) this.labels.insert(hash, id);
    return id;
  }

  /** Appends explicit dependencies (after the arguments' own, each once). */
  #addAfter(after: readonly number[], deps: number[], task: string, size: number): void {
    if (!Array.isArray(after)) {
      throw new InvalidOptionError(`task ${task}: after must be an array of node ids`);
    }
    for (const d of after) {
      if (!Number.isInteger(d) || d < 0 || d >= size) {
        throw new InvalidOptionError(
          `task ${task}: after names node ${String(d)}, which this run does not have (ids 0 to ${size - 1})`,
        );
      }
      addDep(deps, d);
    }
  }

  idOf(ref: number): number {
    return ref;
  }

  stateOf(ref: number): TaskState {
    return this.#scheduler!.stateOf(ref);
  }

  resultOf(ref: number): unknown {
    return this.#scheduler!.resultOf(ref);
  }

  errorOf(ref: number): Error {
    return this.#scheduler!.errorOf(ref);
  }

  labelOf(ref: number): string | undefined {
    return this.#scheduler!.labelOf(ref);
  }

  describe(ref: number): string {
    return this.#scheduler!.describe(ref);
  }

  wait(
    ref: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    waiter: number,
    waiterAttempt: number,
  ): void {
    this.#scheduler!.wait(ref, resolve, reject, waiter, waiterAttempt);
  }

  cancel(ref: number): boolean {
    return this.#scheduler!.cancelTask(ref);
  }

  // ---- for invocations ----

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

  /** A logger whose records are the run's own log events (task -1), not a task's. */
  get log(): Logger {
    this.#runLog ??= this.#logSink(-1, 0, undefined);
    return this.#runLog;
  }

  /** The dispatch behaviours of the run's scheduler, in order. */
  behaviours(): { name: string; options: Readonly<Record<string, unknown>> }[] {
    return this.#scheduler?.behaviours() ?? [];
  }

  // ---- from start to end ----

  /**
   * Runs the run: settles resources and executor, records it, calls `body`
   * with the run as the submit scope, waits for every node, and ends the
   * run. `body` is the front end's (main, for futures); what it throws
   * fails the run, and cancels it unless it keeps going. `settle` turns
   * the body's value into the run's (futures into values); what it throws
   * fails the run without cancelling the rest.
   */
  async execute(
    body: (scope: SubmitScope) => unknown,
    settle: (value: unknown) => Promise<unknown> = async (v) => v,
  ): Promise<unknown> {
    await Promise.resolve(); // let the caller subscribe to events first
    const started: RunStarted = { type: 'run_started', runId: this.runId, time: Date.now() };
    this.#emit(started);
    let prepared: PreparedRun;
    try {
      prepared = await prepareRun(this.#o, this.runId, this.#logSink(-1, 0, undefined));
    } catch (error) {
      this.#end('failed');
      throw error;
    }
    this.#logger ??= prepared.logger;
    let record: RunRecording | undefined;
    try {
      if (prepared.store !== undefined) {
        record = await openRecording({
          store: prepared.store,
          artifacts: prepared.artifacts,
          runId: this.runId,
          mode: prepared.mode,
          executor: prepared.executor.name,
          started,
          options: this.#o,
        });
      }
    } catch (error) {
      await prepared.scope[Symbol.asyncDispose]();
      this.#end('failed');
      throw error;
    }
    this.#record = record;
    const behaviours: DispatchBehaviour[] = [];
    const cache = record?.cacheBehaviour();
    if (cache !== undefined) behaviours.push(cache);
    const sched = new Scheduler({
      runId: this.runId,
      executor: prepared.executor,
      keepGoing: this.#o.keepGoing,
      bus: this.bus,
      host: this,
      graph: this,
      firstId: record?.firstId ?? 0,
      defaultRetries: this.#o.retries,
      behaviours,
      log: this.log,
    });
    this.#checks = new SubmitChecks(sched.pools, prepared.scope, prepared.source !== undefined);
    this.#scheduler = sched;
    record?.attach(sched, prepared.scope, this.bus, (reason) => this.cancelRun(reason));
    // Every task without a timeout shares the run's signal; many listeners are expected.
    setMaxListeners(0, sched.signal);
    if (this.#pendingCancel !== undefined) sched.cancel(this.#pendingCancel);
    try {
      return await this.#drive(sched, body, settle);
    } finally {
      try {
        await record?.close(this.#finalState, this.#finalValue);
      } finally {
        await prepared.scope[Symbol.asyncDispose]();
      }
    }
  }

  async #drive(
    sched: Scheduler,
    body: (scope: SubmitScope) => unknown,
    settle: (value: unknown) => Promise<unknown>,
  ): Promise<unknown> {
    let value: unknown;
    let mainError: unknown;
    let mainFailed = false;
    try {
      value = await body(this);
    } catch (error) {
      mainFailed = true;
      mainError = error;
      if (!this.#o.keepGoing) sched.cancel('the main function threw');
    }
    if (!mainFailed) {
      try {
        value = await settle(value);
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
    await sched.whenQuiet(this.#o.cancelGraceMs);
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
    if (state === 'succeeded') this.#finalValue = { value };
    this.#end(state);
    if (state === 'cancelled')
      throw new RunCancelledError(this.runId, sched.cancelReason ?? 'cancelled');
    if (state === 'failed')
      throw new RunFailedError(
        this.runId,
        failures,
        mainFailed ? mainError : undefined,
        failures[0] === undefined ? undefined : sched.errorOf(failures[0].id),
      );
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
