/**
 * @module
 * The messages between the coordinator and a worker (thread or process).
 * Every send carries an array of messages, so that several small tasks,
 * results and logs travel together; order is kept within a channel.
 *
 * Keys: `k` is an invocation key (one attempt of one task on one worker),
 * `f` a future key (a task submitted from a worker, numbered by the worker),
 * `m` a module id (numbered by the pool, announced once per worker).
 */

import type { SerializedError } from '../../errors/base.ts';
import type { ResourceSource } from '../../resources/source.ts';
import type { LogFields, LogLevel } from '../../vocabulary/logger.ts';
import type { TaskState } from '../../vocabulary/state.ts';
import type { CompiledTaskOptions } from '../../vocabulary/task.ts';

/** What a worker is told when it starts (the `workerData` of a thread, the first message of a process). */
export interface WorkerInit {
  readonly workerId: number;
  /** `thread #3`, `process #2`: names the worker in messages. */
  readonly label: string;
  /** The coordinator's weft version: the worker refuses to run if its own differs. */
  readonly version: string;
  /** A module whose default export the worker calls once, and disposes what it returned on close. */
  readonly setup: string | undefined;
  /** Modules the worker imports before it says it is ready. */
  readonly preload: readonly string[];
}

/** From the coordinator to a worker. */
export type ToWorker =
  | { readonly t: 'module'; readonly m: number; readonly url: string; readonly hash: string }
  /** Where to rebuild tasks' resources from (announced once per worker, before a task needs it). */
  | { readonly t: 'resources'; readonly s: number; readonly source: ResourceSource }
  | {
      readonly t: 'run';
      readonly k: number;
      readonly m: number;
      /** Task name. */
      readonly n: string;
      readonly a: readonly unknown[];
      readonly r: string;
      /** Task id in the run. */
      readonly i: number;
      readonly at: number;
      readonly l: string | undefined;
      /** The resources the task declares, and the source to make them from. */
      readonly res?: readonly string[];
      readonly s?: number;
    }
  | { readonly t: 'abort'; readonly k: number; readonly reason: SerializedError }
  /** The coordinator took a submit from the worker: the child's id, or why it was refused. */
  | {
      readonly t: 'ack';
      readonly f: number;
      readonly id: number;
      readonly state: TaskState;
      readonly e: SerializedError | undefined;
    }
  /** A future the worker waits on is done. */
  | {
      readonly t: 'settle';
      readonly f: number;
      readonly ok: boolean;
      readonly v: unknown;
      readonly e: SerializedError | undefined;
      readonly state: TaskState;
    }
  | { readonly t: 'close' };

/** From a worker to the coordinator. */
export type FromWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'refused'; readonly version: string }
  | { readonly t: 'setup-failed'; readonly e: SerializedError }
  /** An attempt ended: `ok` with value `v`; else error `e`, or a thrown non-Error `x`. */
  | {
      readonly t: 'done';
      readonly k: number;
      readonly ok: boolean;
      readonly v: unknown;
      readonly e: SerializedError | undefined;
      readonly x: unknown;
    }
  | {
      readonly t: 'log';
      readonly k: number;
      readonly level: LogLevel;
      readonly msg: string;
      readonly fields: LogFields | undefined;
    }
  /** Text written to stdout (1) or stderr (2); `k` is -1 outside any task. */
  | { readonly t: 'out'; readonly k: number; readonly s: 1 | 2; readonly text: string }
  /**
   * `submit` in task `k`: future `f` of the task with `options` (its name and
   * module among them), arguments `a` in which the futures at `fp` (paths,
   * with the future key each) were sent as empty objects.
   */
  | {
      readonly t: 'submit';
      readonly k: number;
      readonly f: number;
      readonly o: CompiledTaskOptions;
      /** The submission's label, if any. */
      readonly l?: string;
      readonly a: readonly unknown[];
      readonly fp: readonly FuturePath[];
      /** Keys of nodes (submitted from this worker) it runs after, without their values. */
      readonly af?: readonly number[];
    }
  /** Task `k` (-1: none) waits on future `f`. */
  | { readonly t: 'wait'; readonly k: number; readonly f: number }
  | { readonly t: 'cancel'; readonly f: number }
  /** An error no task caught; the worker exits after sending it. */
  | { readonly t: 'fatal'; readonly e: SerializedError };

/** Where a future sat in a submit's arguments (`[0, 'rows', 2]` is `args[0].rows[2]`). */
export interface FuturePath {
  readonly path: readonly (string | number)[];
  readonly f: number;
}
