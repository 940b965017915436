/**
 * @module
 * One attempt of one task: what the scheduler hands an executor, and, for
 * in-process executors, the context the task receives. Its logger is made
 * only when the task asks for it.
 */

import type { Invocation } from '../executor/executor.ts';
import type { Logger } from '../vocabulary/logger.ts';
import type { SubmitScope } from '../vocabulary/scope.ts';
import type { AnyArgs, Task } from '../vocabulary/task.ts';

/** A result the run already has for a task: from the cache, or kept from the run it resumes. */
export interface RecordedResult {
  readonly value: unknown;
  readonly from: { readonly runId: string; readonly taskId: number } | undefined;
  readonly cacheKey: string | undefined;
}

/** What an invocation needs from its run. */
export interface InvocationHost {
  readonly runId: string;
  /**
   * Called for a ready task whose options ask for caching, before it takes
   * a slot: a hit ends it as `cached` with that value instead of running it.
   */
  lookupCache?(id: number): RecordedResult | undefined;
  taskLogger(taskId: number, attempt: number): Logger;
  submit(task: Task, args: AnyArgs, parentId: number): unknown;
}

const NO_RESOURCES: Readonly<Record<string, unknown>> = Object.freeze({});

export class TaskInvocation implements Invocation, SubmitScope {
  readonly #host: InvocationHost;
  readonly runId: string;
  readonly taskId: number;
  readonly attempt: number;
  readonly task: Task;
  readonly args: readonly unknown[];
  readonly signal: AbortSignal;
  /** The task's declared resources, filled in before it runs. */
  resources: Readonly<Record<string, unknown>> = NO_RESOURCES;
  #log: Logger | undefined;

  constructor(
    host: InvocationHost,
    taskId: number,
    attempt: number,
    task: Task,
    args: readonly unknown[],
    signal: AbortSignal,
  ) {
    this.#host = host;
    this.runId = host.runId;
    this.taskId = taskId;
    this.attempt = attempt;
    this.task = task;
    this.args = args;
    this.signal = signal;
  }

  get name(): string {
    return this.task.name;
  }

  get label(): string | undefined {
    return this.task.options.label;
  }

  get log(): Logger {
    this.#log ??= this.#host.taskLogger(this.taskId, this.attempt);
    return this.#log;
  }

  /** Where submits made by this task go: children join the same run. */
  get scope(): SubmitScope {
    return this;
  }

  get parentId(): number {
    return this.taskId;
  }

  submit(task: Task, args: AnyArgs, parentId: number): unknown {
    return this.#host.submit(task, args, parentId);
  }
}
