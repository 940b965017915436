/**
 * @module
 * The errors of `@weft/queue`. Each has a stable `WEFT_QUEUE_*` code and
 * keeps what its message names in fields, so that it is recognisable after
 * crossing Redis (the plugin registers the classes, and `deserializeError`
 * rebuilds them). None of them ever holds a Redis password: URLs are
 * redacted before they reach a message.
 */
import { WeftError } from '@weft/core';

/** An option of the queue executor or of `weft worker` is invalid. */
export class QueueOptionsError extends WeftError {
  constructor(message: string) {
    super('WEFT_QUEUE_OPTIONS', message);
  }
}

/** Redis cannot be reached, or refuses the connection (authentication, TLS). */
export class QueueConnectError extends WeftError {
  /** The URL, without its password. */
  readonly url: string;
  constructor(url: string, why: string, options?: { cause?: unknown }) {
    super('WEFT_QUEUE_CONNECT', `cannot connect to Redis at ${url}: ${why}`, options);
    this.url = url;
  }
}

/** `WEFT_QUEUE_SECRET` is missing or too short to sign jobs with. */
export class QueueSecretError extends WeftError {
  constructor(message: string) {
    super('WEFT_QUEUE_SECRET', message);
  }
}

/** The worker running a task stopped sending heartbeats (killed, crashed, machine lost). */
export class WorkerLostError extends WeftError {
  readonly task: string;
  /** `host:pid` of the worker. */
  readonly worker: string;
  constructor(task: string, worker: string, how: string) {
    super('WEFT_QUEUE_WORKER_LOST', `task ${task} failed: its worker ${worker} was lost (${how})`);
    this.task = task;
    this.worker = worker;
  }
}

/** Why a worker refused a job. */
export type RefusalReason = 'version' | 'module' | 'root' | 'resources';

/**
 * A worker refused a job: another weft version, another copy of the task's
 * module, a module outside its project root. The `cause` is the worker's
 * own error (`WorkerMismatchError`, `ModuleChangedError`, ...).
 */
export class JobRefusedError extends WeftError {
  readonly task: string;
  readonly worker: string;
  readonly reason: RefusalReason;
  constructor(
    task: string,
    worker: string,
    reason: RefusalReason,
    why: string,
    options?: { cause?: unknown },
  ) {
    super('WEFT_QUEUE_JOB_REFUSED', `worker ${worker} refused task ${task}: ${why}`, options);
    this.task = task;
    this.worker = worker;
    this.reason = reason;
  }
}

/** No live worker can take a task: none fits it, or every one that fits refused it. */
export class NoWorkerError extends WeftError {
  readonly task: string;
  constructor(task: string, why: string, options?: { cause?: unknown }) {
    super('WEFT_QUEUE_NO_WORKER', `task ${task}: no queue worker can run it: ${why}`, options);
    this.task = task;
  }
}

/** The queue executor was closed while a task was queued or running. */
export class QueueClosedError extends WeftError {
  constructor(task: string) {
    super('WEFT_QUEUE_CLOSED', `task ${task}: the queue executor was closed`);
  }
}

/** A value sent through the artifact store is not there: the store is not shared. */
export class QueueArtifactMissingError extends WeftError {
  readonly hash: string;
  readonly store: string;
  constructor(hash: string, store: string, from: string) {
    super(
      'WEFT_QUEUE_ARTIFACT_MISSING',
      `${from} sent a large value as artifact ${hash}, which is not in the artifact store ` +
        `${store}: the coordinator (option artifacts) and every worker (--artifacts) must use ` +
        'one shared directory',
    );
    this.hash = hash;
    this.store = store;
  }
}

/** A task's module lies outside the project root that queue workers import from. */
export class ModuleOutsideRootError extends WeftError {
  readonly task: string;
  readonly module: string;
  readonly root: string;
  constructor(task: string, module: string, root: string) {
    super(
      'WEFT_QUEUE_OUTSIDE_ROOT',
      `task ${task}: its module ${module} lies outside the project root ${root}; queue workers ` +
        'import task modules from their own copy of the project, by the path inside it ' +
        '(set the root option, or move the module inside)',
    );
    this.task = task;
    this.module = module;
    this.root = root;
  }
}

/** Why a worker stopped a task on its own: its coordinator is gone, or the worker is stopping. */
export class TaskStoppedError extends WeftError {
  constructor(message: string) {
    super('WEFT_QUEUE_TASK_STOPPED', message);
  }
}

/** A message on Redis failed its signature check, or cannot be read. */
export class QueueMessageError extends WeftError {
  constructor(message: string) {
    super('WEFT_QUEUE_MESSAGE', message);
  }
}

/** The error classes of this package by code, for `definePlugin({ errors })`. */
export const QUEUE_ERRORS = Object.freeze({
  WEFT_QUEUE_OPTIONS: QueueOptionsError,
  WEFT_QUEUE_CONNECT: QueueConnectError,
  WEFT_QUEUE_SECRET: QueueSecretError,
  WEFT_QUEUE_WORKER_LOST: WorkerLostError,
  WEFT_QUEUE_JOB_REFUSED: JobRefusedError,
  WEFT_QUEUE_NO_WORKER: NoWorkerError,
  WEFT_QUEUE_CLOSED: QueueClosedError,
  WEFT_QUEUE_ARTIFACT_MISSING: QueueArtifactMissingError,
  WEFT_QUEUE_OUTSIDE_ROOT: ModuleOutsideRootError,
  WEFT_QUEUE_TASK_STOPPED: TaskStoppedError,
  WEFT_QUEUE_MESSAGE: QueueMessageError,
});
