/**
 * @module
 * One attempt of one task inside a worker: the context the task receives
 * (`ctx`), and the submit scope its `submit` calls go to. Its signal and
 * logger are made only when the task asks for them.
 */

import type { ToWorker } from '../executor/pool/protocol.ts';
import { createLogger, type Logger, type LogRecord } from '../vocabulary/logger.ts';
import type { SubmitScope } from '../vocabulary/scope.ts';
import type { AnyArgs, Task, TaskContext } from '../vocabulary/task.ts';

/** What a task run needs from its worker. */
export interface RunLink {
  submit(run: TaskRun, task: Task, args: AnyArgs): unknown;
  log(run: TaskRun, record: LogRecord): void;
}

/** A future the run submitted, as far as the run's outcome cares. */
export interface Child {
  /** Resolves once the coordinator took or refused the submit; undefined when it has. */
  acked(): Promise<void> | undefined;
  unobservedRefusal(): Error | undefined;
}

const NO_RESOURCES: Readonly<Record<string, unknown>> = Object.freeze({});

type RunMessage = Extract<ToWorker, { t: 'run' }>;

export class TaskRun implements TaskContext, SubmitScope {
  /** The coordinator's key for this attempt. */
  readonly k: number;
  readonly runId: string;
  readonly taskId: number;
  readonly name: string;
  readonly attempt: number;
  readonly label: string | undefined;
  /** The resources the task declared, made in this worker before it runs. */
  resources: Readonly<Record<string, unknown>> = NO_RESOURCES;
  /** Futures it submitted. */
  readonly children: Child[] = [];
  readonly #link: RunLink;
  #controller: AbortController | undefined;
  #log: Logger | undefined;

  constructor(link: RunLink, m: RunMessage) {
    this.#link = link;
    this.k = m.k;
    this.runId = m.r;
    this.taskId = m.i;
    this.name = m.n;
    this.attempt = m.at;
    this.label = m.l;
  }

  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  get log(): Logger {
    this.#log ??= createLogger((record) => this.#link.log(this, record));
    return this.#log;
  }

  get parentId(): number {
    return this.taskId;
  }

  submit(task: Task, args: AnyArgs, _parentId: number): unknown {
    return this.#link.submit(this, task, args);
  }

  /** Fires the task's signal (the coordinator's fired). */
  abort(reason: unknown): void {
    this.#controller ??= new AbortController();
    this.#controller.abort(reason);
  }

  /** `name#id`, for messages. */
  describe(): string {
    return `${this.name}#${this.taskId}`;
  }
}
