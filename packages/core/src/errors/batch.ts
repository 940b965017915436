/**
 * @module
 * Errors of delayed execution: handing a whole graph to a batch system
 * ahead of time (`weft submit`) and running its tasks there (`weft exec`).
 */
import { WeftError } from './base.ts';

/** A batch submitter was handed a task out of order, or twice. */
export class BatchOrderError extends WeftError {
  readonly task: string;
  constructor(task: string, why: string) {
    super(
      'WEFT_BATCH_ORDER',
      `${task}: ${why} (a batch submitter takes each task once, after all its prerequisites, and nothing after complete())`,
    );
    this.task = task;
  }
}

/**
 * A workflow handed to a batch system ahead of time has a graph that is not
 * known before it runs: a task submits tasks, or main awaits a task's result
 * before it has submitted everything.
 */
export class DynamicWorkflowError extends WeftError {
  /** The first task that makes the graph dynamic (`name#id "label"`). */
  readonly task: string;
  constructor(task: string, why: string) {
    super(
      'WEFT_DYNAMIC_WORKFLOW',
      `the graph is not known before the workflow runs: ${why}. Delayed execution hands the whole ` +
        'graph to the batch system before any task runs; submit every task from main without ' +
        'awaiting results (futures passed as arguments are edges), or run it with weft run',
    );
    this.task = task;
  }
}

/** `weft submit` was asked for with an executor that cannot take a whole graph ahead of time. */
export class BatchUnsupportedError extends WeftError {
  readonly executor: string;
  constructor(executor: string) {
    super(
      'WEFT_BATCH_UNSUPPORTED',
      `executor "${executor}" cannot take a whole graph ahead of time: weft submit needs an executor ` +
        "with a batch submitter (such as { kind: 'slurm', mode: 'delayed' } from @weft/slurm); " +
        'weft run runs the workflow here',
    );
    this.executor = executor;
  }
}

/** `weft exec` refused a task file: malformed, another weft version, or a module outside the project. */
export class ExecRefusedError extends WeftError {
  /** The task file. */
  readonly file: string;
  constructor(file: string, why: string) {
    super('WEFT_EXEC_REFUSED', `weft exec refused ${file}: ${why}`);
    this.file = file;
  }
}

/**
 * The batch job running a task was told to stop (SIGTERM: cancelled, out
 * of time, preempted) before the task ended. A follower that can ask the
 * batch system why says so instead (Slurm: the time limit).
 */
export class JobTerminatedError extends WeftError {
  readonly task: string;
  constructor(task: string) {
    super(
      'WEFT_JOB_TERMINATED',
      `task ${task}: its batch job was told to stop (SIGTERM: cancelled, out of time or preempted) before the task ended`,
    );
    this.task = task;
  }
}
