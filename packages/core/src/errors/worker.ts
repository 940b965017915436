/**
 * @module
 * Errors of the parallel executors (`threads`, `processes`). Each has a
 * stable code, and keeps what its message names in fields, so it can be
 * matched after crossing a thread or process (see `errors/base.ts`).
 */
import { WeftError } from './base.ts';

/** How a worker ended, as far as the coordinator could tell. */
export type WorkerDeath =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'oom'; readonly limitMb: number | undefined }
  | { readonly kind: 'uncaught'; readonly message: string }
  | { readonly kind: 'stopped'; readonly reason: string };

/** Says how a worker died, in words: `ran out of memory (limit 64 MB)`. */
export function describeDeath(death: WorkerDeath): string {
  switch (death.kind) {
    case 'exit':
      return `exited with code ${death.code} (process.exit() in a task, or a crash)`;
    case 'signal':
      return `was killed by signal ${death.signal}`;
    case 'oom':
      return death.limitMb === undefined
        ? 'ran out of memory'
        : `ran out of memory (limit ${death.limitMb} MB; raise memoryLimitMb or use less)`;
    case 'uncaught':
      return `threw an uncaught error outside any task's promise: ${death.message}`;
    case 'stopped':
      return `was stopped by the pool: ${death.reason}`;
  }
}

/**
 * The worker running a task died (it exited, crashed, ran out of memory or
 * was killed). Only the tasks running on that worker fail; a retry runs on
 * a fresh worker.
 */
export class WorkerDiedError extends WeftError {
  readonly task: string;
  readonly worker: string;
  readonly death: WorkerDeath;
  constructor(task: string, worker: string, death: WorkerDeath) {
    super(
      'WEFT_WORKER_DIED',
      `task ${task} failed: its worker (${worker}) ${describeDeath(death)}`,
    );
    this.task = task;
    this.worker = worker;
    this.death = death;
  }
}

/** A worker refused to start: it runs another weft version than the coordinator. */
export class WorkerMismatchError extends WeftError {
  readonly expected: string;
  readonly actual: string;
  constructor(worker: string, expected: string, actual: string) {
    super(
      'WEFT_WORKER_MISMATCH',
      `worker ${worker} refused to start: the coordinator runs weft ${expected} but the worker ` +
        `loads weft ${actual}; install one weft version for both (npm ls weft shows duplicates)`,
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** A worker could not be started at all (it died before it was ready). */
export class WorkerStartError extends WeftError {
  constructor(worker: string, how: string, options?: { cause?: unknown }) {
    super('WEFT_WORKER_START', `worker ${worker} could not start: it ${how}`, options);
  }
}

/**
 * A task module's file, or a local module it imports, changed between the
 * coordinator loading it and a worker loading it.
 */
export class ModuleChangedError extends WeftError {
  readonly module: string;
  /** The imported file that changed (or is gone); undefined when it is the module's own file. */
  readonly file: string | undefined;
  constructor(task: string, module: string, file?: string) {
    super(
      'WEFT_MODULE_CHANGED',
      `task ${task}: ${
        file === undefined
          ? `its module ${module} has changed since the coordinator loaded it (its content hash differs)`
          : `${file}, which its module ${module} imports, has changed or is gone since the coordinator loaded it`
      }, so a worker would run other code; restart the run`,
    );
    this.module = module;
    this.file = file;
  }
}

/** A task cannot be found by importing its module in a worker. */
export class TaskNotImportableError extends WeftError {
  readonly task: string;
  readonly module: string | undefined;
  constructor(
    task: string,
    module: string | undefined,
    why: string,
    options?: { cause?: unknown },
  ) {
    super(
      'WEFT_TASK_NOT_IMPORTABLE',
      `task ${task} cannot run in a worker: ${why}. Workers import the module that defined a ` +
        `task and look it up by name, so define it at the top level of a module file and export it: ` +
        `export const myTask = task('${task}', async (ctx, ...args) => ...)`,
      options,
    );
    this.task = task;
    this.module = module;
  }
}

/** A value cannot cross to a worker or back by structured serialization. */
export class UnserializableValueError extends WeftError {
  readonly task: string;
  readonly path: string;
  constructor(task: string, path: string, what: string) {
    super(
      'WEFT_UNSERIALIZABLE',
      `task ${task}: ${path} is ${what}, which cannot be sent to or from a worker; pass plain data ` +
        '(primitives, plain objects, arrays, Date, RegExp, Map, Set, Error, ArrayBuffer, typed arrays)',
    );
    this.task = task;
    this.path = path;
  }
}

/** The pool was closed while a task was queued or running, or a task came after. */
export class PoolClosedError extends WeftError {
  constructor(executor: string, task: string) {
    super('WEFT_POOL_CLOSED', `task ${task}: the ${executor} executor was closed`);
  }
}

/** The id of a future submitted in a worker is read before the coordinator assigned it. */
export class FutureIdPendingError extends WeftError {
  constructor(task: string) {
    super(
      'WEFT_FUTURE_ID_PENDING',
      `the id of the future of ${task} is not known yet: in a worker, submit() reaches the ` +
        "coordinator asynchronously, so read a future's id after an await (awaiting the future works at once)",
    );
  }
}

/** A pool was started inside a worker (a task module that starts a run when imported). */
export class PoolInWorkerError extends WeftError {
  constructor(message: string) {
    super('WEFT_POOL_IN_WORKER', message);
  }
}
