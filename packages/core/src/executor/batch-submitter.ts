/**
 * @module
 * The delayed-submission seam: how a whole graph, known before any task
 * runs, is handed to a batch system that runs it after weft has exited
 * (`weft submit`). It sits beside the `Executor` seam: an executor takes one
 * ready invocation at a time and reports back; a batch submitter takes
 * every task ahead of time, with the ids of its prerequisites, and the batch
 * system orders them itself (Slurm: `--dependency=afterok:...`).
 *
 * Contract (checked by `runBatchSubmitterContract` in `@weft/core/testing`):
 * - The graph executor calls `add(task)` once per task, each after every one
 *   of its prerequisites, then `complete()` once. Ids are distinct integers
 *   from 0; the order is a topological order of the graph, not necessarily
 *   the order of ids.
 * - `add` refuses, with `BatchOrderError` naming the task and keeping
 *   nothing of it, a task whose prerequisites include an id not added
 *   before, an id added twice, and any task after `complete()`.
 * - A task runs only after all its prerequisites succeeded, and receives
 *   each prerequisite's value at the paths `inputs` name in its arguments.
 *   A task whose prerequisite did not succeed never runs.
 * - `complete()` resolves once every task added is in the batch system's
 *   hands (it may have submitted them from `add` already), with a receipt
 *   whose `record` is JSON data: the run store keeps it, and it is all the
 *   follower of the run has to go on (the task-to-job mapping). With no task
 *   added it resolves too. When the batch system refuses a task, `add` or
 *   `complete()` rejects with an error that names the task and gives the
 *   batch system's reason, having withdrawn everything submitted so far.
 * - `[Symbol.asyncDispose]()` releases what the submitter holds; once
 *   `complete()` resolved it leaves the submitted work alone (it is meant to
 *   run after weft exits), before that it withdraws it. Idempotent.
 */

import type { SerializedError } from '../errors/base.ts';
import type { ResourceSource } from '../resources/source.ts';
import type { Logger } from '../vocabulary/logger.ts';
import type { Task } from '../vocabulary/task.ts';

/** Where a prerequisite's value goes in a planned task's arguments. */
export interface PlannedInput {
  /** Its path in `args`: `[0, 'rows', 2]` is `args[0].rows[2]`. Never empty. */
  readonly path: readonly (string | number)[];
  /** The prerequisite whose value goes there. */
  readonly id: number;
}

/** One task of a graph handed to a batch system. */
export interface PlannedTask {
  /** Its id in the run. */
  readonly id: number;
  /** The tasks that must succeed first (each added before this one), without repeats. */
  readonly prerequisites: readonly number[];
  /** The task: its name and compiled options (module, requirements, timeout, retries). */
  readonly task: Task;
  /** Its arguments, with `null` where a prerequisite's value goes (see `inputs`). */
  readonly args: readonly unknown[];
  readonly inputs: readonly PlannedInput[];
  readonly label: string | undefined;
}

/** What a batch submitter is made with. */
export interface BatchContext {
  readonly runId: string;
  /** The project's directory: that of the nearest weft.config.ts, else the working directory. */
  readonly cwd: string;
  /** Where tasks rebuild the resources they declare (a mode of a config file), if anywhere. */
  readonly resourceSource: ResourceSource | undefined;
  readonly log: Logger;
}

/** What `complete()` resolves with. */
export interface BatchReceipt {
  /** JSON data the run store keeps with the run, for whoever follows it later. */
  readonly record: Readonly<Record<string, unknown>>;
  /** One line for the user: `20 tasks submitted as 20 Slurm jobs`. */
  readonly summary: string;
}

/** Takes a whole graph ahead of time; see the module's contract. */
export interface BatchSubmitter extends AsyncDisposable {
  /** A short name for messages and the run's record (`slurm`). */
  readonly name: string;
  add(task: PlannedTask): void | Promise<void>;
  complete(): Promise<BatchReceipt>;
}

/** How a task of a handed graph ended, as the batch system's follower reads it. */
export type BatchOutcome =
  | { readonly state: 'succeeded'; readonly value: unknown }
  | { readonly state: 'failed'; readonly error: SerializedError }
  | { readonly state: 'upstream_failed' | 'cancelled' };

/** An executor that can also take a whole graph ahead of time (`weft submit`). */
export interface SubmitsBatches {
  /** A new submitter for one run. */
  batchSubmitter(context: BatchContext): BatchSubmitter | Promise<BatchSubmitter>;
}

/** True when `executor` offers a batch submitter. */
export function submitsBatches(executor: unknown): executor is SubmitsBatches {
  return (
    typeof executor === 'object' &&
    executor !== null &&
    typeof (executor as Partial<SubmitsBatches>).batchSubmitter === 'function'
  );
}
