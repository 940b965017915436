/**
 * @module
 * One attempt of one task: what the scheduler hands an executor, and, for
 * in-process executors, the context the task receives and the submit scope
 * its child submissions go through. Its logger is made only when the task
 * asks for it.
 */
import type { Invocation } from '../executor/executor.ts';
import type { Logger } from '../vocabulary/logger.ts';
import type { NodeGraph } from '../vocabulary/node.ts';
import type { Task } from '../vocabulary/task.ts';

/** What an invocation needs from its run. */
export interface InvocationHost {
  readonly runId: string;
  taskLogger(taskId: number, attempt: number): Logger;
}

const NO_RESOURCES: Readonly<Record<string, unknown>> = Object.freeze({});

export class TaskInvocation implements Invocation {
  readonly #host: InvocationHost;
  readonly runId: string;
  readonly taskId: number;
  readonly attempt: number;
  readonly task: Task;
  readonly args: readonly unknown[];
  readonly signal: AbortSignal;
  /** Where the task's child submissions go: the run's graph (or one that refuses them). */
  readonly graph: NodeGraph;
  /** The task's declared resources, filled in before it runs. */
  resources: Readonly<Record<string, unknown>> = NO_RESOURCES;
  /** Where the executor said the attempt runs. */
  worker: string | undefined;
  #log: Logger | undefined;

  constructor(
    host: InvocationHost,
    graph: NodeGraph,
    taskId: number,
    attempt: number,
    task: Task,
    args: readonly unknown[],
    signal: AbortSignal,
  ) {
    this.#host = host;
    this.graph = graph;
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
    return this.task.label;
  }

  get log(): Logger {
    this.#log ??= this.#host.taskLogger(this.taskId, this.attempt);
    return this.#log;
  }

  placed(worker: string): void {
    this.worker = worker;
    this.onPlaced?.();
  }

  /** Called by `placed()`: the scheduler restarts the attempt's clock when placement was deferred. */
  onPlaced: (() => void) | undefined;

  /** Children this task submits have it as their parent. */
  get parentId(): number {
    return this.taskId;
  }
}
