/**
 * @module
 * The scheduler owns a run's graph: integer task ids, prerequisite counters,
 * the ready queue, requirements-aware dispatch to one executor, retries,
 * timeouts, cancellation and the failure policy. Per-task state lives in
 * typed arrays indexed by id; a task costs no object beyond its arguments
 * and its value. Every state change goes through `#transition`.
 */

import { WeftError } from '../errors/base.ts';
import { CancelledError, CycleError, formatTask, TimeoutError } from '../errors/errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { Executor } from '../executor/executor.ts';
import type { FutureHost } from '../frontends/futures/future.ts';
import {
  CACHED,
  CANCELLED,
  canTransition,
  FAILED,
  isTerminal,
  PENDING,
  READY,
  RUNNING,
  STATE_NAMES,
  SUCCEEDED,
  UPSTREAM_FAILED,
} from '../vocabulary/state.ts';
import type { AnyArgs, Task } from '../vocabulary/task.ts';
import { ARGS_ONLY_FUTURES } from './args.ts';
import { isNonRetryable, toError } from './attempt-errors.ts';
import { retryDelay } from './backoff.ts';
import { CapacityPool } from './capacity.ts';
import { type InvocationHost, type RecordedResult, TaskInvocation } from './invocation.ts';
import { Pacer } from './pacer.ts';
import { ReadyQueue } from './ready-queue.ts';
import { TaskTable } from './task-table.ts';
import { Timers } from './timers.ts';
import { type TransitionDetail, transitionEvent } from './transition-events.ts';
import { Waits } from './waits.ts';
import { ZeroWaiters } from './zero-waiters.ts';

export interface SchedulerOptions {
  readonly runId: string;
  readonly executor: Executor;
  /** Run everything that does not depend on a failure (else stop at the first). */
  readonly keepGoing: boolean;
  readonly bus: EventBus;
  readonly host: InvocationHost;
  /** Source of retry jitter. @default Math.random */
  readonly random?: () => number;
  /** The first task id (a resumed run continues after its earlier sessions' ids). @default 0 */
  readonly firstId?: number;
  /** Retries of tasks that do not set `retries`. @default 0 */
  readonly defaultRetries?: number;
}

/** How long the pump starts tasks without letting the event loop turn. */
const SLICE_MS = 25;

/** How many ready tasks that do not fit are passed over per dispatch round. */
const MAX_PASSED_OVER = 32;

export class Scheduler extends TaskTable implements FutureHost {
  readonly #executor: Executor;
  readonly #keepGoing: boolean;
  readonly #bus: EventBus;
  readonly #host: InvocationHost;
  readonly #random: () => number;
  readonly #defaultRetries: number;
  readonly #controller = new AbortController();
  readonly #pool: CapacityPool;

  readonly #ready: ReadyQueue;
  readonly #timers = new Timers();
  readonly #waits = new Waits({
    state: (id) => this.state[id]!,
    prerequisites: (id) => this.graph.prerequisites(id),
    isCurrent: (id, attempt) => this.#isCurrent(id, attempt),
    ref: (id) => this.ref(id),
    suspend: (id) => {
      this.#pool.release(this.tasks[id]!.options.requirements);
      this.#pump();
    },
    // It runs again whether or not capacity is free: it is already running.
    resume: (id) => this.#pool.forceTake(this.tasks[id]!.options.requirements),
  });
  #unfinished = 0;
  #inflight = 0;
  readonly #idle = new ZeroWaiters();
  readonly #quiet = new ZeroWaiters();
  #pumping = false;
  #pumpScheduled = false;
  readonly #pacer = new Pacer(SLICE_MS, () => this.#pump());

  constructor(options: SchedulerOptions) {
    super(options.runId, options.firstId ?? 0);
    this.#executor = options.executor;
    this.#keepGoing = options.keepGoing;
    this.#bus = options.bus;
    this.#host = options.host;
    this.#random = options.random ?? Math.random;
    this.#defaultRetries = options.defaultRetries ?? 0;
    this.#pool = new CapacityPool(options.executor.capacity, options.executor.name);
    this.#ready = new ReadyQueue(this.priorities);
  }

  /** Aborts when the run is cancelled; the signal of tasks without a timeout. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get size(): number {
    return this.graph.size;
  }

  /** Tasks not yet in a final state. */
  get unfinished(): number {
    return this.#unfinished;
  }

  get cancelReason(): string | undefined {
    return this.cancelledFor;
  }

  /** Throws when `task` could never run on this executor. */
  checkRequirements(task: Task): void {
    const req = task.options.requirements;
    if (req !== undefined) {
      this.#pool.check(req, () =>
        formatTask({ id: this.graph.size, name: task.name, label: task.options.label }),
      );
    }
  }

  /**
   * Adds a task instance that depends on `deps` (existing ids) and returns its
   * id. It starts when every dep has succeeded; a dep that already did not
   * succeed makes it `upstream_failed` at once. `ordinal` and `argsHash`
   * identify the submission across runs (see `TaskSubmitted`); with
   * `recorded`, the task ends as `cached` with that value at once.
   */
  add(
    task: Task,
    args: AnyArgs,
    argKind: number,
    deps: readonly number[],
    parentId: number,
    ordinal = 0,
    argsHash: string | undefined = undefined,
    recorded: RecordedResult | undefined = undefined,
  ): number {
    const id = this.graph.addNode();
    if (id === this.state.length) {
      this.grow();
      this.#ready.priorities = this.priorities;
    }
    this.tasks[id] = task;
    // With only futures as arguments, keep their count: the list is rebuilt from the inputs.
    this.args[id] = argKind === ARGS_ONLY_FUTURES ? args.length : args;
    this.argKinds[id] = argKind;
    this.priorities[id] = task.options.priority;
    this.#unfinished++;
    let waiting = 0;
    let blockedBy = -1;
    for (const d of deps) {
      this.graph.addEdge(d, id);
      const s = this.state[d]!;
      if (s === SUCCEEDED || s === CACHED) continue;
      if (isTerminal(s)) {
        if (blockedBy < 0) blockedBy = d;
      } else waiting++;
    }
    this.waiting[id] = waiting;
    if (this.#bus.active) {
      this.#bus.emit({
        ...this.eventBase(id),
        type: 'submitted',
        parentId,
        deps: [...deps],
        ordinal,
        argsHash,
        requirements: task.options.requirements?.record,
      });
    }
    if (recorded !== undefined && blockedBy < 0 && waiting === 0) {
      this.#settleRecorded(id, recorded);
    } else if (blockedBy >= 0) {
      this.#upstreamFail(id, blockedBy);
      this.#checkIdle();
    } else if (this.cancelledFor !== undefined) {
      this.#cancelOne(id, this.cancelledFor);
    } else if (waiting === 0) {
      this.#makeReady(id);
      this.#schedulePump();
    }
    return id;
  }

  /**
   * Adds `from -> to` between existing tasks for front ends that build the
   * graph in another order than futures do. Throws `CycleError` naming the
   * tasks of the cycle it would close.
   */
  addDependency(from: number, to: number): void {
    const path = this.graph.pathBetween(to, from);
    if (path !== undefined) {
      throw new CycleError(
        path.map((id) => ({ id, name: this.tasks[id]!.name, label: this.labelOf(id) })),
      );
    }
    const s = this.state[to]!;
    if (s !== PENDING) {
      throw new WeftError(
        'WEFT_GRAPH_FROZEN',
        `cannot add an input to ${this.describe(to)}: it is ${STATE_NAMES[s]}, and inputs can only be added to pending tasks`,
      );
    }
    this.graph.addEdge(from, to);
    const f = this.state[from]!;
    if (f === SUCCEEDED || f === CACHED) return;
    if (isTerminal(f)) {
      this.#upstreamFail(to, from);
      this.#propagate(to);
      this.#checkIdle();
      return;
    }
    this.waiting[to]!++;
  }

  /** Cancels every unfinished task and aborts the run's signal. Idempotent. */
  cancel(reason: string): void {
    if (this.cancelledFor !== undefined) return;
    this.cancelledFor = reason;
    this.#controller.abort(new CancelledError(`run ${this.runId} was cancelled: ${reason}`));
    this.#timers.clearAll();
    this.#ready.clear();
    const n = this.graph.size;
    for (let id = this.firstId; id < n; id++) {
      if (!isTerminal(this.state[id]!)) this.#cancelOne(id, reason);
    }
  }

  /** Resolves once every task is in a final state. */
  whenIdle(): Promise<void> {
    return this.#idle.wait(this.#unfinished === 0);
  }

  /** Resolves once no executor call is outstanding, or after `graceMs`. */
  whenQuiet(graceMs: number): Promise<void> {
    return this.#quiet.wait(this.#inflight === 0, graceMs);
  }

  wait(
    id: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    waiter = -1,
    waiterAttempt = 0,
  ): void {
    const s = this.state[id]!;
    if (s === SUCCEEDED || s === CACHED) {
      resolve(this.values[id]);
      return;
    }
    if (isTerminal(s)) {
      reject(this.errorOf(id));
      return;
    }
    this.#waits.add(id, resolve, reject, waiter, waiterAttempt);
  }

  cancelTask(id: number): boolean {
    const s = this.state[id]!;
    if (s === CANCELLED) return true;
    if (s !== PENDING && s !== READY) return false;
    this.errors.set(
      id,
      new CancelledError(`task ${this.describe(id)} was cancelled by Future.cancel()`),
    );
    this.#cancelOne(id, 'Future.cancel()');
    this.#propagate(id);
    this.#checkIdle();
    return true;
  }

  // ---- dispatch ----

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#pumping || this.#pacer.paused) return;
    this.#pumping = true;
    let passedOver: number[] | undefined;
    try {
      while (this.#ready.size > 0 && this.#pool.hasFreeSlot) {
        if (this.#pacer.pauseDue()) break;
        const id = this.#ready.pop();
        if (this.state[id] !== READY) continue;
        const task = this.tasks[id]!;
        if (task.options.cache && this.#host.lookupCache !== undefined) {
          const hit = this.#host.lookupCache(id);
          if (hit !== undefined) {
            this.#settleRecorded(id, hit);
            continue;
          }
        }
        if (this.#pool.tryTake(task.options.requirements)) {
          this.#start(id);
        } else {
          passedOver ??= [];
          passedOver.push(id);
          if (passedOver.length >= MAX_PASSED_OVER) break;
        }
      }
    } finally {
      if (passedOver !== undefined) for (const id of passedOver) this.#ready.push(id);
      this.#pumping = false;
    }
  }

  #start(id: number): void {
    const task = this.tasks[id]!;
    const attempt = ++this.attempts[id]!;
    this.#transition(id, RUNNING);
    if (this.state[id] !== RUNNING) return; // a listener cancelled the run
    const args = this.resolvedArgs(id);
    let signal = this.#controller.signal;
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = task.options.timeoutMs;
    if (timeoutMs > 0) {
      const attemptController = new AbortController();
      signal = AbortSignal.any([signal, attemptController.signal]);
      timer = this.#timers.after(timeoutMs, () => {
        if (!this.#isCurrent(id, attempt)) return;
        const error = new TimeoutError(this.describe(id), timeoutMs);
        attemptController.abort(error);
        this.#fail(id, attempt, error);
      });
    }
    this.#inflight++;
    let outcome: Promise<unknown>;
    try {
      outcome = this.#executor.run(
        new TaskInvocation(this.#host, id, attempt, task, args, signal),
        signal,
      );
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (value) => {
        this.#settled(timer);
        if (this.#isCurrent(id, attempt)) this.#succeed(id, value);
      },
      (error: unknown) => {
        this.#settled(timer);
        if (this.#isCurrent(id, attempt)) this.#fail(id, attempt, error);
      },
    );
  }

  /** Gives back what a running task holds (nothing when it is suspended). */
  #release(id: number): void {
    if (this.#waits.drop(id)) return;
    this.#pool.release(this.tasks[id]!.options.requirements);
  }

  #isCurrent(id: number, attempt: number): boolean {
    return this.state[id] === RUNNING && this.attempts[id] === attempt;
  }

  #settled(timer: NodeJS.Timeout | undefined): void {
    this.#timers.clear(timer);
    if (--this.#inflight === 0) this.#quiet.release();
  }

  #succeed(id: number, value: unknown): void {
    this.#release(id);
    this.#complete(id, value, SUCCEEDED, undefined);
  }

  /** Ends a task that did not run with a result the run already had. */
  #settleRecorded(id: number, recorded: RecordedResult): void {
    this.#complete(id, recorded.value, CACHED, recorded);
  }

  #complete(id: number, value: unknown, state: number, detail: TransitionDetail | undefined): void {
    this.values[id] = value;
    this.args[id] = undefined;
    this.#transition(id, state, detail);
    this.#finish(id);
    const g = this.graph;
    for (let e = g.firstOut(id); e >= 0; e = g.nextOut(e)) {
      const d = g.target(e);
      if (--this.waiting[d]! === 0 && this.state[d] === PENDING) this.#makeReady(d);
    }
    this.#pump();
    this.#checkIdle();
  }

  #fail(id: number, attempt: number, thrown: unknown): void {
    const task = this.tasks[id]!;
    this.#release(id);
    const error = toError(thrown, this.describe(id));
    if (
      this.cancelledFor === undefined &&
      attempt <= (task.options.retries < 0 ? this.#defaultRetries : task.options.retries) &&
      !isNonRetryable(error)
    ) {
      const delayMs = retryDelay(task.options, attempt, this.#random);
      this.#transition(id, PENDING, { error, delayMs });
      this.#timers.after(delayMs, () => {
        if (this.state[id] === PENDING) {
          this.#makeReady(id);
          this.#pump();
        }
      });
      this.#pump();
      return;
    }
    this.errors.set(id, error);
    this.failedIds.push(id);
    this.args[id] = undefined;
    this.#transition(id, FAILED, { error });
    this.#finish(id);
    this.#propagate(id);
    if (this.#keepGoing) this.#pump();
    else this.cancel(`fail-fast: ${this.describe(id)} failed`);
    this.#checkIdle();
  }

  /** Marks everything downstream of `root` as `upstream_failed`. */
  #propagate(root: number): void {
    const g = this.graph;
    const stack = [root];
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (let e = g.firstOut(u); e >= 0; e = g.nextOut(e)) {
        const d = g.target(e);
        const s = this.state[d]!;
        if (s === PENDING || s === READY) {
          this.#upstreamFail(d, u);
          stack.push(d);
        }
      }
    }
  }

  #makeReady(id: number): void {
    this.#transition(id, READY);
    this.#ready.push(id);
  }

  #upstreamFail(id: number, upstreamId: number): void {
    this.upstream.set(id, upstreamId);
    this.args[id] = undefined;
    this.#transition(id, UPSTREAM_FAILED, { upstreamId });
    this.#finish(id);
  }

  #cancelOne(id: number, reason: string): void {
    if (this.state[id] === RUNNING) this.#release(id);
    this.args[id] = undefined;
    this.#transition(id, CANCELLED, { reason });
    this.#finish(id);
    this.#checkIdle();
  }

  /** Settles the waiters of a task that reached a final state. */
  #finish(id: number): void {
    this.#unfinished--;
    const s = this.state[id]!;
    const ok = s === SUCCEEDED || s === CACHED;
    this.#waits.settle(id, ok, () => (ok ? this.values[id] : this.errorOf(id)));
  }

  #checkIdle(): void {
    if (this.#unfinished === 0) this.#idle.release();
  }

  #transition(id: number, to: number, detail?: TransitionDetail): void {
    const from = this.state[id]!;
    if (!canTransition(from, to)) {
      throw new WeftError(
        'WEFT_INTERNAL',
        `internal error: ${this.describe(id)} cannot go from ${STATE_NAMES[from]} to ${STATE_NAMES[to]}`,
      );
    }
    this.state[id] = to;
    if (this.#bus.active) this.#bus.emit(transitionEvent(this.eventBase(id), to, detail));
  }
}
