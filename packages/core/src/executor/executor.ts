/**
 * @module
 * The executor seam: one execution model (in-process, worker threads, child
 * processes, a queue, a batch system) behind one small interface. Executors
 * know nothing of graphs: the scheduler hands them one invocation at a time
 * and they report its outcome.
 *
 * Contract (checked by `runExecutorContract` in `@weft/core/testing`):
 * - `capacity` is fixed for the executor's life. The scheduler starts an
 *   invocation only when a slot and its requirements are free in
 *   `capacity`. Two exceptions, both about tasks already started: a task
 *   waiting on another task's future gives its slot back while it waits and
 *   retakes it when the wait ends, even if that overdraws; and an attempt
 *   that timed out or was cancelled gives its slot back at once, though an
 *   in-process task that ignores its signal may go on running.
 * - `run(invocation, signal)` runs `invocation.task` with `invocation.args`
 *   and settles with the task's result, or rejects with what it threw. It may
 *   settle in any order relative to other invocations.
 * - When `signal` aborts, the executor makes the task's own signal fire (for
 *   in-process tasks they are the same signal) and may stop waiting for it;
 *   the scheduler ignores an outcome that arrives after it gave up.
 * - An error of the executor itself (a worker that died, a lost connection)
 *   rejects that invocation only, never the others.
 * - `[Symbol.asyncDispose]()` stops the executor and releases what it holds;
 *   it is idempotent and finishes in bounded time.
 *
 * Pools: a resource set has one executor, but it may be a set of named pools
 * (`pools[i]`, each an executor of its own), and a task names the pool it runs
 * in (`task({ pool })`); one that names none runs in the pool of the task that
 * submitted it, or, submitted by the run's main code, in `defaultPool`. The
 * scheduler then treats each
 * pool as the executor of its tasks: capacity is accounted per pool (a full
 * pool never holds back another's tasks), requirements that could never fit
 * are checked against the task's pool, and each invocation goes to `run` of
 * its pool's executor (likewise `check`, `worker`, `placesAttempts`, `remote`
 * and `carriesChildren` are the pool's). A task naming a pool the executor
 * lacks is refused at submit (`UnknownPoolError`); under an executor without
 * pools, the option is ignored. The executor's own `capacity` is its default
 * pool's, and its own `run` and `check` route by the task's pool option (else
 * the default pool), for callers other than the scheduler. Pools do not nest.
 */

import type { ResourceSource } from '../resources/source.ts';
import type { SubmitScope } from '../vocabulary/scope.ts';
import type { Task, TaskContext } from '../vocabulary/task.ts';

/** What an executor can run at once. */
export interface Capacity {
  /** Invocations running at once; `Infinity` for no limit. */
  readonly slots: number;
  /** Amounts of each resource, matched against task requirements (`cpus`, `memoryMb`, `gpus`, custom). */
  readonly resources: Readonly<Record<string, number>>;
  /**
   * What a task takes of a resource its requirements do not mention (a worker
   * pool: `{ cpus: 1 }`, so a task needing 2 cpus takes two tasks' room).
   */
  readonly defaultRequirements?: Readonly<Record<string, number>>;
}

/**
 * One attempt of one task, as handed to an executor. It is also the task's
 * context, and the submit scope of the task's child submissions: its
 * `graph` adds nodes (with `parent: parentId`, the task) and waits for them
 * (with the task as the waiter, which gives back its slot meanwhile).
 * In-process executors run the task inside it (`submitScope.run(invocation,
 * ...)`); remote ones carry their workers' submissions and waits to it.
 */
export interface Invocation extends TaskContext, SubmitScope {
  /** The task definition: its name finds it in another process; in-process executors call `fn`. */
  readonly task: Task;
  /** The arguments, with every node output (future) replaced by its value. */
  readonly args: readonly unknown[];
  /**
   * For executors that run tasks elsewhere: where to rebuild the resources
   * the task declares (set when it declares some and the run has a source).
   */
  readonly resourceSource?: ResourceSource;
  /**
   * Says where the attempt runs (`thread #2`, `process #3 (pid 4242)`,
   * `host:pid`), for the run's record. An executor that knows calls it
   * synchronously within `run()`, before the task starts; it may call it
   * again when it moves the attempt to another worker.
   */
  placed?(worker: string): void;
}

/** One named pool of an executor made of pools. */
export interface ExecutorPool {
  /** What tasks name in their `pool` option. */
  readonly name: string;
  /** The executor that runs the pool's tasks (itself without pools). */
  readonly executor: Executor;
}

export interface Executor extends AsyncDisposable {
  /** A short name for messages (`inline`, `threads`, ...). */
  readonly name: string;
  /**
   * Where every attempt runs, for executors that run them all in one place
   * (`inline`); others say it per attempt with `invocation.placed()`.
   */
  readonly worker?: string;
  /**
   * True when the executor calls `invocation.placed()` for every attempt,
   * when the attempt starts on a worker, which may be after `run()` returned
   * (it waited for a worker): the attempt's timeout then runs from there,
   * and its `started` event (which names the worker) is emitted then; an
   * attempt that ends before it is placed has no `started` event.
   * @default false (the timeout runs from `run()`, and the attempt is started then)
   */
  readonly placesAttempts?: boolean;
  readonly capacity: Capacity;
  /**
   * True when tasks run outside the coordinator's JavaScript realm (another
   * thread, process or machine): in-memory resources cannot follow them.
   */
  readonly remote?: boolean;
  /**
   * False when the executor cannot carry a running task's child submissions
   * back to the run (a whole graph handed to a batch system ahead of time):
   * a task that submits fails, saying so. @default true
   */
  readonly carriesChildren?: boolean;
  /**
   * Called at submit, before the task joins the graph: throws to refuse a task
   * this executor could never run (arguments that cannot cross to a worker, a
   * task a worker could not import). Synchronous.
   */
  check?(task: Task, args: readonly unknown[]): void;
  /** Runs one invocation; see the module's contract. */
  run(invocation: Invocation, signal: AbortSignal): Promise<unknown>;
  /**
   * The executor's named pools, when it is a set of them (see the module's
   * contract); names are unique. @default none: one executor, one pool
   */
  readonly pools?: readonly ExecutorPool[];
  /** The pool of tasks that name none. @default the first of `pools` */
  readonly defaultPool?: string;
}

/** True for an object with the executor seam's shape (a name, a capacity and `run`). */
export function isExecutor(value: unknown): value is Executor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Executor).run === 'function' &&
    typeof (value as Executor).capacity === 'object' &&
    (value as Executor).capacity !== null
  );
}
