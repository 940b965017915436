/**
 * @module
 * The scheduler owns a run's graph: integer task ids, prerequisite counters,
 * the ready queues, requirements-aware dispatch to one executor (or to each
 * of its pools, from each pool's own queue) through the chain of dispatch
 * behaviours, retries, timeouts, cancellation and the failure policy.
 * Per-task state lives in typed arrays indexed by id; a task costs no
 * object beyond its arguments and its value. The state machine's endings
 * live in `lifecycle.ts`; this part adds tasks and dispatches them.
 */

import { CancelledError, formatTask, TimeoutError } from '../errors/run.ts';
import type { TaskEvent } from '../events/events.ts';
import type { Executor } from '../executor/executor.ts';
import type { NodeGraph } from '../vocabulary/node.ts';
import type { RecordedResult } from '../vocabulary/recorded.ts';
import { CACHED, isTerminal, READY, RUNNING, SUCCEEDED } from '../vocabulary/state.ts';
import type { AnyArgs, Task } from '../vocabulary/task.ts';
import { ARGS_ONLY_FUTURES } from './args.ts';
import { BehaviourChain, type BehaviourInfo, type DispatchBehaviour } from './behaviours.ts';
import { refusingChildren } from './children-refused.ts';
import { TaskInvocation } from './invocation.ts';
import { type LifecycleOptions, TaskLifecycle } from './lifecycle.ts';
import { Pacer } from './pacer.ts';
import type { Placement } from './placement.ts';
import { transitionEvent } from './transition-events.ts';
import { ZeroWaiters } from './zero-waiters.ts';

export interface SchedulerOptions extends LifecycleOptions {
  /**
   * The graph a running task's child submissions go to (the run's); an
   * executor that cannot carry them gets one that refuses them.
   */
  readonly graph: NodeGraph;
  /** The dispatch behaviours, in order. @default none */
  readonly behaviours?: readonly DispatchBehaviour[];
}

/** How long the pump starts tasks without letting the event loop turn. */
const SLICE_MS = 25;

/** How many ready tasks that do not fit are passed over per dispatch round. */
const MAX_PASSED_OVER = 32;

export class Scheduler extends TaskLifecycle {
  readonly #controller = new AbortController();
  /** Per pool: its executor, and the graph its tasks' child submissions go to. */
  readonly #executors: readonly Executor[];
  readonly #graphs: readonly NodeGraph[];
  readonly #chain: BehaviourChain;
  #inflight = 0;
  readonly #quiet = new ZeroWaiters();
  #pumping = false;
  /** Set when pump is asked for while it runs: a pool it already served may have new ready tasks. */
  #pumpAgain = false;
  /** The pool a multi-pool pump serves first: the one after the pool where the pacer last paused. */
  #firstPool = 0;
  #pumpScheduled = false;
  readonly #pacer = new Pacer(SLICE_MS, () => this.pump());

  constructor(options: SchedulerOptions) {
    super(options);
    this.#chain = new BehaviourChain(options.behaviours ?? []);
    this.#executors = this.placement.executors;
    this.#graphs = this.#executors.map((e) =>
      e.carriesChildren === false ? refusingChildren(options.graph, e.name) : options.graph,
    );
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
    return this.unfinishedCount;
  }

  get cancelReason(): string | undefined {
    return this.cancelledFor;
  }

  /** The dispatch behaviours, in the order they run. */
  behaviours(): BehaviourInfo[] {
    return this.#chain.list();
  }

  /** The executor's pools as the scheduler dispatches to them (see `Placement`). */
  get pools(): Placement {
    return this.placement;
  }

  /**
   * The index of the pool `task` runs in when task `parentId` submits it
   * (-1: the run's main code): the pool it names, else its parent's (a
   * child runs where its parent runs), else the default pool. Throws
   * `UnknownPoolError` for a pool the executor lacks.
   */
  poolFor(task: Task, parentId = -1): number {
    if (task.options.pool !== undefined) return this.placement.poolOf(task, this.#describeNext);
    return parentId >= this.firstId ? this.poolIndex[parentId]! : this.placement.defaultPool;
  }

  /** Throws when `task` could never run in its pool (the executor, without pools). */
  checkRequirements(task: Task, pool = this.poolFor(task)): void {
    const req = task.options.requirements;
    if (req !== undefined) {
      this.placement.checkRequirements(pool, req, () => this.#describeNext(task));
    }
  }

  /** How a task about to be added is named in messages. */
  readonly #describeNext = (task: Task): string =>
    formatTask({ id: this.graph.size, name: task.name, label: task.label });

  /**
   * Adds a task instance that depends on `deps` (existing ids) and returns its
   * id. It starts when every dep has succeeded; a dep that already did not
   * succeed makes it `upstream_failed` at once. `ordinal` and `argsHash`
   * identify the submission across runs (see `TaskSubmitted`); with
   * `recorded`, the task ends as `cached` with that value at once. `pool`
   * is its pool, when the caller already asked `poolFor`.
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
    pool = this.poolFor(task, parentId),
  ): number {
    const id = this.graph.addNode();
    if (id === this.state.length) {
      this.grow();
      this.placement.setPriorities(this.priorities);
    }
    this.tasks[id] = task;
    this.poolIndex[id] = pool;
    // With only futures as arguments, keep their count: the list is rebuilt from the inputs.
    this.args[id] = argKind === ARGS_ONLY_FUTURES ? args.length : args;
    this.argKinds[id] = argKind;
    this.priorities[id] = task.options.priority;
    this.unfinishedCount++;
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
    if (this.bus.active) {
      const e = this.eventBase(id) as Record<string, unknown>;
      e.type = 'submitted';
      e.parentId = parentId;
      e.deps = deps.slice();
      e.ordinal = ordinal;
      e.argsHash = argsHash;
      e.requirements = task.options.requirements?.record;
      this.bus.emit(e as unknown as TaskEvent);
    }
    if (recorded !== undefined && blockedBy < 0 && waiting === 0) {
      this.settleRecorded(id, recorded);
    } else if (blockedBy >= 0) {
      this.upstreamFail(id, blockedBy);
      this.checkIdle();
    } else if (this.cancelledFor !== undefined) {
      this.cancelOne(id, this.cancelledFor);
    } else if (waiting === 0) {
      this.makeReady(id);
      this.#schedulePump();
    }
    return id;
  }

  /** Cancels every unfinished task and aborts the run's signal. Idempotent. */
  cancel(reason: string): void {
    if (this.cancelledFor !== undefined) return;
    this.cancelledFor = reason;
    this.#controller.abort(new CancelledError(`run ${this.runId} was cancelled: ${reason}`));
    this.timers.clearAll();
    this.placement.clearQueues();
    const n = this.graph.size;
    for (let id = this.firstId; id < n; id++) {
      if (!isTerminal(this.state[id]!)) this.cancelOne(id, reason);
    }
  }

  /** Resolves once every task is in a final state. */
  whenIdle(): Promise<void> {
    return this.idle.wait(this.unfinishedCount === 0);
  }

  /** Resolves once no executor call is outstanding, or after `graceMs`. */
  whenQuiet(graceMs: number): Promise<void> {
    return this.#quiet.wait(this.#inflight === 0, graceMs);
  }

  // ---- dispatch ----

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.pump();
    });
  }

  protected pump(): void {
    if (this.#pacer.paused) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      const n = this.queues.length;
      if (n === 1) {
        this.#pumpPool(0);
        return;
      }
      // Each pool from its own queue, so a full pool holds back no other.
      // Starting a task may make tasks ready in a pool already served (a
      // cached one releases its dependents): serve them all again then.
      do {
        this.#pumpAgain = false;
        for (let i = 0, p = this.#firstPool; i < n; i++, p = p + 1 === n ? 0 : p + 1) {
          if (this.#pumpPool(p)) {
            // Paused: the next slice starts with the next pool, so one pool
            // with a long queue and room to spare cannot take every slice.
            this.#firstPool = p + 1 === n ? 0 : p + 1;
            return;
          }
        }
      } while (this.#pumpAgain);
    } finally {
      this.#pumping = false;
    }
  }

  /** Starts what is ready and fits in pool `p`; true when the pacer paused. */
  #pumpPool(p: number): boolean {
    const ready = this.queues[p]!;
    const capacity = this.capacities[p]!;
    const before = this.#chain.beforeStart;
    let passedOver: number[] | undefined;
    try {
      outer: while (ready.size > 0 && capacity.hasFreeSlot) {
        if (this.#pacer.pauseDue()) return true;
        const id = ready.pop();
        if (this.state[id] !== READY) continue;
        const task = this.tasks[id]!;
        for (let i = 0; i < before.length; i++) {
          const settled = before[i]!.beforeStart!(id, task);
          if (settled !== undefined) {
            this.settleRecorded(id, settled);
            continue outer;
          }
        }
        if (capacity.tryTake(task.options.requirements)) {
          this.#start(id);
        } else {
          passedOver ??= [];
          passedOver.push(id);
          if (passedOver.length >= MAX_PASSED_OVER) break;
        }
      }
    } finally {
      if (passedOver !== undefined) for (const id of passedOver) ready.push(id);
    }
    return false;
  }

  #start(id: number): void {
    const task = this.tasks[id]!;
    const attempt = ++this.attempts[id]!;
    const pool = this.poolIndex[id]!;
    const executor = this.#executors[pool]!;
    // An executor that runs every attempt in one place says so up front; the
    // others say where when they place the attempt, within run().
    const where = executor.worker;
    this.transition(
      id,
      RUNNING,
      where === undefined ? undefined : { worker: where },
      where === undefined,
    );
    if (this.state[id] !== RUNNING) return; // a listener cancelled the run
    const args = this.resolvedArgs(id);
    let signal = this.#controller.signal;
    let timer: NodeJS.Timeout | undefined;
    let arm: (() => void) | undefined;
    const timeoutMs = task.options.timeoutMs;
    if (timeoutMs > 0) {
      const attemptController = new AbortController();
      signal = AbortSignal.any([signal, attemptController.signal]);
      arm = () => {
        this.timers.clear(timer);
        timer = this.timers.after(timeoutMs, () => {
          if (!this.isCurrent(id, attempt)) return;
          const error = new TimeoutError(this.describe(id), timeoutMs);
          attemptController.abort(error);
          this.fail(id, attempt, error);
        });
      };
      // Where the executor places attempts itself, the clock starts at placement.
      if (executor.placesAttempts !== true) arm();
    }
    this.#inflight++;
    let outcome: Promise<unknown>;
    const invocation = new TaskInvocation(
      this.host,
      this.#graphs[pool]!,
      id,
      attempt,
      task,
      args,
      signal,
    );
    try {
      outcome = executor.run(invocation, signal);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    const started = (): void => {
      if (!this.bus.active || !this.isCurrent(id, attempt)) return;
      if (!this.bus.plain) {
        this.bus.emit(transitionEvent(this.eventBase(id), RUNNING, { worker: invocation.worker }));
      } else {
        this.bus.transition(
          'started',
          id,
          attempt,
          task.name,
          task.label,
          Date.now(),
          invocation.worker,
        );
      }
    };
    if (executor.placesAttempts === true && invocation.worker === undefined) {
      // Not placed yet (it waits for a worker): the attempt's `started` event,
      // which names the worker, and its clock both wait for the placement.
      let placed = false;
      invocation.onPlaced = () => {
        if (!this.isCurrent(id, attempt)) return;
        if (!placed && where === undefined) started();
        placed = true;
        arm?.();
      };
    } else {
      if (where === undefined) started();
      if (executor.placesAttempts === true) arm?.();
    }
    outcome.then(
      (value) => {
        this.#settled(timer);
        invocation.onPlaced = undefined;
        if (this.isCurrent(id, attempt)) this.succeed(id, value);
      },
      (error: unknown) => {
        this.#settled(timer);
        invocation.onPlaced = undefined;
        if (this.isCurrent(id, attempt)) this.fail(id, attempt, error);
      },
    );
  }

  #settled(timer: NodeJS.Timeout | undefined): void {
    this.timers.clear(timer);
    if (--this.#inflight === 0) this.#quiet.release();
  }
}
