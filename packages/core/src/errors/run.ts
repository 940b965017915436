/**
 * @module
 * Errors of tasks and runs: options, arguments, labels, requirements,
 * timeouts, cancellation, failures. Each has a stable `code`; the data a message names
 * (task names, ids, paths) is also kept in fields, so tools can use it.
 */
import { type SerializedError, serializeError, WeftError } from './base.ts';

/** A task's identity in messages: `clean#3 "label"`. */
export interface TaskRef {
  readonly id: number;
  readonly name: string;
  readonly label?: string | undefined;
}

export function formatTask(ref: TaskRef): string {
  return ref.label === undefined ? `${ref.name}#${ref.id}` : `${ref.name}#${ref.id} "${ref.label}"`;
}

/** Thrown by user code to say: do not retry this attempt, it cannot succeed. */
export class NonRetryableError extends WeftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WEFT_NON_RETRYABLE', message, options);
  }
}

/** An option or a definition is malformed (a bad duration, a bad name). */
export class InvalidOptionError extends WeftError {
  constructor(message: string) {
    super('WEFT_INVALID_OPTION', message);
  }
}

/** `submit` was given something that is not a task. */
export class NotATaskError extends WeftError {
  constructor(message: string) {
    super('WEFT_NOT_A_TASK', message);
  }
}

/** An argument cannot be passed to a task (a promise, a future of another run). */
export class InvalidArgumentError extends WeftError {
  readonly task: string;
  readonly path: string;
  constructor(task: string, path: string, message: string) {
    super('WEFT_INVALID_ARGUMENT', message);
    this.task = task;
    this.path = path;
  }
}

/** `submit` was called outside `run()`. */
export class NoActiveRunError extends WeftError {
  constructor(task: string) {
    super(
      'WEFT_NO_RUN',
      `submit(${task}) was called outside a run. Call it inside run(async () => ...) or inside a task.`,
    );
  }
}

/** A label is used twice in one run. */
export class DuplicateLabelError extends WeftError {
  readonly label: string;
  readonly first: TaskRef;
  readonly second: string;
  constructor(label: string, first: TaskRef, second: string) {
    super(
      'WEFT_DUPLICATE_LABEL',
      `label "${label}" is already used in this run by ${formatTask(first)}; ` +
        `the second submission (task ${second}) needs another label`,
    );
    this.label = label;
    this.first = first;
    this.second = second;
  }
}

/** A task asks for more than the executor (or, with pools, its pool) can ever offer. */
export class UnsatisfiableRequirementsError extends WeftError {
  readonly task: string;
  readonly resource: string;
  readonly requested: number;
  readonly available: number;
  /** The pool the task asked for, when the executor has pools. */
  readonly pool: string | undefined;
  constructor(
    task: string,
    executor: string,
    resource: string,
    requested: number,
    available: number,
    pool?: { readonly name: string; readonly pools: readonly string[] },
  ) {
    super(
      'WEFT_UNSATISFIABLE',
      pool === undefined
        ? `task ${task} requires ${resource}=${requested} but executor "${executor}" offers at most ` +
            `${resource}=${available}; lower the requirement or choose an executor with more capacity`
        : `task ${task} requires ${resource}=${requested} but its pool "${pool.name}" (executor ` +
            `"${executor}") offers at most ${resource}=${available}; lower the requirement or send ` +
            `the task to a pool with more capacity (pools: ${pool.pools.join(', ')})`,
    );
    this.task = task;
    this.resource = resource;
    this.requested = requested;
    this.available = available;
    this.pool = pool?.name;
  }
}

/** An attempt ran past its timeout. */
export class TimeoutError extends WeftError {
  readonly timeoutMs: number;
  constructor(task: string, timeoutMs: number) {
    super('WEFT_TIMEOUT', `task ${task} timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** A task or a run was cancelled. */
export class CancelledError extends WeftError {
  constructor(message: string) {
    super('WEFT_CANCELLED', message);
  }
}

/** A task threw (or rejected with) something that is not an Error. */
export class NonErrorThrownError extends WeftError {
  readonly value: unknown;
  constructor(task: string, value: unknown, description: string) {
    super(
      'WEFT_NON_ERROR_THROWN',
      `task ${task} threw a non-Error value: ${description}. Throw an Error instead, so the stack is kept.`,
    );
    this.value = value;
  }
}

/** A task did not run because a task it depends on did not succeed. */
export class UpstreamFailedError extends WeftError {
  readonly upstream: TaskRef;
  constructor(task: string, upstream: TaskRef, upstreamState: string, cause?: unknown) {
    super(
      'WEFT_UPSTREAM_FAILED',
      `task ${task} did not run: its input ${formatTask(upstream)} ${upstreamState}`,
      { cause },
    );
    this.upstream = upstream;
  }
}

/** A future's value was read before it settled. */
export class FutureNotDoneError extends WeftError {
  constructor(task: string, state: string) {
    super(
      'WEFT_NOT_DONE',
      `future of task ${task} is ${state}, not done; await it instead of calling result()`,
    );
  }
}

/** A front end tried to add an edge that closes a cycle. */
export class CycleError extends WeftError {
  readonly cycle: readonly TaskRef[];
  constructor(cycle: readonly TaskRef[]) {
    super(
      'WEFT_CYCLE',
      `the graph has a cycle: ${[...cycle, cycle[0]!].map(formatTask).join(' -> ')}`,
    );
    this.cycle = cycle;
  }
}

/** One failed task, as listed by `RunFailedError`. */
export interface TaskFailure extends TaskRef {
  readonly attempts: number;
  readonly error: SerializedError;
}

/** A run ended with failed tasks, or its main function threw. */
export class RunFailedError extends WeftError {
  readonly runId: string;
  readonly failures: readonly TaskFailure[];
  /** `mainError`: what the main code threw; `firstError`: the first failed task's error (the cause otherwise). */
  constructor(
    runId: string,
    failures: readonly TaskFailure[],
    mainError?: unknown,
    firstError?: unknown,
  ) {
    const lines = failures.slice(0, 20).map((f) => `  - ${formatTask(f)}: ${f.error.message}`);
    if (failures.length > 20) lines.push(`  ... and ${failures.length - 20} more`);
    const head =
      mainError !== undefined && failures.length === 0
        ? `run ${runId} failed: ${serializeError(mainError).message}`
        : `run ${runId} failed: ${failures.length} task${failures.length === 1 ? '' : 's'} failed`;
    super('WEFT_RUN_FAILED', [head, ...lines].join('\n'), {
      cause: mainError ?? firstError,
    });
    this.runId = runId;
    this.failures = failures;
  }
}

/** A run was cancelled before it finished. */
export class RunCancelledError extends WeftError {
  readonly runId: string;
  constructor(runId: string, reason: string) {
    super('WEFT_RUN_CANCELLED', `run ${runId} was cancelled: ${reason}`);
    this.runId = runId;
  }
}

/** A broken invariant inside weft: a bug, to be reported with its stack. */
export class InternalError extends WeftError {
  constructor(message: string) {
    super('WEFT_INTERNAL', `internal error: ${message}`);
  }
}

/** A task submitted a child under an executor that cannot carry child submissions. */
export class ChildrenNotCarriedError extends WeftError {
  readonly task: string;
  readonly child: string;
  readonly executor: string;
  constructor(task: string, child: string, executor: string) {
    super(
      'WEFT_CHILDREN_NOT_CARRIED',
      `task ${task} submitted ${child}, but executor "${executor}" cannot carry a running task's ` +
        'submissions (it runs a graph known before the run starts); submit it from the main ' +
        'function instead, or choose another executor',
    );
    this.task = task;
    this.child = child;
    this.executor = executor;
  }
}

/** A node was added to a run that has finished (by a task that outlived it). */
export class RunFinishedError extends WeftError {
  constructor(task: string, runId: string) {
    super(
      'WEFT_RUN_FINISHED',
      `submit(${task}): run ${runId} has finished; a task that outlived its run cannot add to it`,
    );
  }
}

/** `run()` was called while a weft worker imported a task module: the module starts its workflow at top level. */
export class RunInWorkerError extends WeftError {
  readonly module: string;
  constructor(module: string) {
    super(
      'WEFT_RUN_IN_WORKER',
      `run() was called while a weft worker imported the task module ${module}: the ` +
        'module starts its workflow at top level. Start it only when the module is the entry ' +
        'point: if (import.meta.main) await run(main)',
    );
    this.module = module;
  }
}

/** A task in a worker submitted after it had finished (from a callback that outlived it). */
export class ParentFinishedError extends WeftError {
  constructor(task: string) {
    super(
      'WEFT_PARENT_FINISHED',
      `submit(${task}) in a worker: the submitting task had already finished`,
    );
  }
}

/** A worker named a node the coordinator no longer knows (its submitting task has finished). */
export class UnknownNodeError extends WeftError {
  constructor(message: string) {
    super('WEFT_UNKNOWN_FUTURE', message);
  }
}

/** The coordinator was asked to call a task it knows only by name (one a worker submitted). */
export class RemoteTaskError extends WeftError {
  constructor(task: string) {
    super(
      'WEFT_REMOTE_TASK',
      `task ${task} was submitted from a worker; it runs in workers, not in the coordinator`,
    );
  }
}

/** Processes of a run's earlier session are still alive: a resume would run beside them. */
export class RunProcessesAliveError extends WeftError {
  readonly runId: string;
  readonly pids: readonly number[];
  constructor(runId: string, pids: readonly number[], shown: string) {
    super(
      'WEFT_RUN_PROCESSES_ALIVE',
      `run ${runId} cannot be resumed yet: processes of its earlier session are still running: ${shown}; stop them (kill ${pids.join(' ')}) before resuming`,
    );
    this.runId = runId;
    this.pids = pids;
  }
}
