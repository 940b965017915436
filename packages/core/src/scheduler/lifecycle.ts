/**
 * @module
 * The task state machine at work: how a task becomes ready, succeeds, is
 * retried, fails, is skipped because an input did not succeed, or is
 * cancelled, and what each ending releases (its slot, its waiters, its
 * dependents); waiting on a task, and cancelling one that has not started.
 * Every state change goes through `transition`, which checks the
 * transition table and emits the event. The scheduler adds dispatch on top
 * of it.
 */
import { CancelledError, InternalError } from '../errors/run.ts';
import type { EventBus } from '../events/bus.ts';
import type { Executor } from '../executor/executor.ts';
import type { Logger } from '../vocabulary/logger.ts';
import type { RecordedResult } from '../vocabulary/recorded.ts';
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
import { isNonRetryable, toError } from './attempt-errors.ts';
import { retryDelay } from './backoff.ts';
import type { CapacityPool } from './capacity.ts';
import type { InvocationHost } from './invocation.ts';
import { Placement } from './placement.ts';
import type { ReadyQueue } from './ready-queue.ts';
import { TaskTable } from './task-table.ts';
import { Timers } from './timers.ts';
import { type TransitionDetail, transitionEvent } from './transition-events.ts';
import { Waits } from './waits.ts';
import { ZeroWaiters } from './zero-waiters.ts';

export interface LifecycleOptions {
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
  /** Where the scheduler warns (a pool option that an executor without pools ignores). @default none */
  readonly log?: Logger;
}

export abstract class TaskLifecycle extends TaskTable {
  protected readonly keepGoing: boolean;
  protected readonly bus: EventBus;
  protected readonly host: InvocationHost;
  protected readonly random: () => number;
  protected readonly defaultRetries: number;
  /** The executor's pools (one, without pools); each task's is `poolIndex[id]`. */
  protected readonly placement: Placement;
  /** Per pool: what is free, and the ready tasks. */
  protected readonly capacities: readonly CapacityPool[];
  protected readonly queues: readonly ReadyQueue[];
  protected readonly timers = new Timers();
  protected readonly waits = new Waits({
    state: (id) => this.state[id]!,
    prerequisites: (id) => this.graph.prerequisites(id),
    isCurrent: (id, attempt) => this.isCurrent(id, attempt),
    ref: (id) => this.ref(id),
    suspend: (id) => {
      this.capacities[this.poolIndex[id]!]!.release(this.tasks[id]!.options.requirements);
      this.pump();
    },
    // It runs again whether or not capacity is free: it is already running.
    resume: (id) =>
      this.capacities[this.poolIndex[id]!]!.forceTake(this.tasks[id]!.options.requirements),
  });
  /** Tasks not yet in a final state. */
  protected unfinishedCount = 0;
  protected readonly idle = new ZeroWaiters();

  constructor(options: LifecycleOptions) {
    super(options.runId, options.firstId ?? 0);
    this.keepGoing = options.keepGoing;
    this.bus = options.bus;
    this.host = options.host;
    this.random = options.random ?? Math.random;
    this.defaultRetries = options.defaultRetries ?? 0;
    const log = options.log;
    this.placement = new Placement(options.executor, this.priorities, (message, fields) =>
      log?.warn(message, fields),
    );
    this.capacities = this.placement.capacities;
    this.queues = this.placement.queues;
  }

  /** Starts what is ready and fits. */
  protected abstract pump(): void;
  /** Cancels every unfinished task (fail-fast). */
  abstract cancel(reason: string): void;

  /**
   * Calls `resolve` or `reject` when task `id` is final. `waiter` is the
   * running task that waits (-1: none); it gives back its slot meanwhile.
   */
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
    this.waits.add(id, resolve, reject, waiter, waiterAttempt);
  }

  /** Cancels a task that has not started; false when it has. */
  cancelTask(id: number): boolean {
    const s = this.state[id]!;
    if (s === CANCELLED) return true;
    if (s !== PENDING && s !== READY) return false;
    this.errors.set(
      id,
      new CancelledError(`task ${this.describe(id)} was cancelled by Future.cancel()`),
    );
    this.cancelOne(id, 'Future.cancel()');
    this.propagate(id);
    this.checkIdle();
    return true;
  }

  protected isCurrent(id: number, attempt: number): boolean {
    return this.state[id] === RUNNING && this.attempts[id] === attempt;
  }

  /** Gives back what a running task holds (nothing when it is suspended). */
  protected release(id: number): void {
    if (this.waits.drop(id)) return;
    this.capacities[this.poolIndex[id]!]!.release(this.tasks[id]!.options.requirements);
  }

  protected succeed(id: number, value: unknown): void {
    this.release(id);
    this.complete(id, value, SUCCEEDED, undefined);
  }

  /** Ends a task that did not run with a result the run already had. */
  protected settleRecorded(id: number, recorded: RecordedResult): void {
    this.complete(id, recorded.value, CACHED, recorded);
  }

  protected complete(
    id: number,
    value: unknown,
    state: number,
    detail: TransitionDetail | undefined,
  ): void {
    this.values[id] = value;
    this.args[id] = undefined;
    this.transition(id, state, detail);
    this.finish(id);
    const g = this.graph;
    for (let e = g.firstOut(id); e >= 0; e = g.nextOut(e)) {
      const d = g.target(e);
      if (--this.waiting[d]! === 0 && this.state[d] === PENDING) this.makeReady(d);
    }
    this.pump();
    this.checkIdle();
  }

  protected fail(id: number, attempt: number, thrown: unknown): void {
    const task = this.tasks[id]!;
    this.release(id);
    const error = toError(thrown, this.describe(id));
    if (
      this.cancelledFor === undefined &&
      attempt <= (task.options.retries < 0 ? this.defaultRetries : task.options.retries) &&
      !isNonRetryable(error)
    ) {
      const delayMs = retryDelay(task.options, attempt, this.random);
      this.transition(id, PENDING, { error, delayMs });
      this.timers.after(delayMs, () => {
        if (this.state[id] === PENDING) {
          this.makeReady(id);
          this.pump();
        }
      });
      this.pump();
      return;
    }
    this.errors.set(id, error);
    this.failedIds.push(id);
    this.args[id] = undefined;
    this.transition(id, FAILED, { error });
    this.finish(id);
    this.propagate(id);
    if (this.keepGoing) this.pump();
    else this.cancel(`fail-fast: ${this.describe(id)} failed`);
    this.checkIdle();
  }

  /** Marks everything downstream of `root` as `upstream_failed`. */
  protected propagate(root: number): void {
    const g = this.graph;
    const stack = [root];
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (let e = g.firstOut(u); e >= 0; e = g.nextOut(e)) {
        const d = g.target(e);
        const s = this.state[d]!;
        if (s === PENDING || s === READY) {
          this.upstreamFail(d, u);
          stack.push(d);
        }
      }
    }
  }

  protected makeReady(id: number): void {
    this.transition(id, READY);
    this.queues[this.poolIndex[id]!]!.push(id);
  }

  protected upstreamFail(id: number, upstreamId: number): void {
    this.upstream.set(id, upstreamId);
    this.args[id] = undefined;
    this.transition(id, UPSTREAM_FAILED, { upstreamId });
    this.finish(id);
  }

  protected cancelOne(id: number, reason: string): void {
    if (this.state[id] === RUNNING) this.release(id);
    this.args[id] = undefined;
    this.transition(id, CANCELLED, { reason });
    this.finish(id);
    this.checkIdle();
  }

  /** Settles the waiters of a task that reached a final state. */
  protected finish(id: number): void {
    this.unfinishedCount--;
    const s = this.state[id]!;
    const ok = s === SUCCEEDED || s === CACHED;
    this.waits.settle(id, ok, () => (ok ? this.values[id] : this.errorOf(id)));
  }

  protected checkIdle(): void {
    if (this.unfinishedCount === 0) this.idle.release();
  }

  /** Changes a task's state; the event is emitted unless `quiet` (the caller emits it later). */
  protected transition(id: number, to: number, detail?: TransitionDetail, quiet = false): void {
    const from = this.state[id]!;
    if (!canTransition(from, to)) {
      throw new InternalError(
        `${this.describe(id)} cannot go from ${STATE_NAMES[from]} to ${STATE_NAMES[to]}`,
      );
    }
    this.state[id] = to;
    if (quiet || !this.bus.active) return;
    const bus = this.bus;
    if (detail === undefined && (to === READY || to === SUCCEEDED) && bus.plain) {
      const task = this.tasks[id]!;
      const type = to === READY ? 'ready' : 'succeeded';
      bus.transition(type, id, this.attempts[id]!, task.name, task.label, Date.now(), undefined);
    } else this.bus.emit(transitionEvent(this.eventBase(id), to, detail));
  }
}
