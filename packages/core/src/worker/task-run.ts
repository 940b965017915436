/**
 * @module
 * One attempt of one task inside a worker: the context the task receives
 * (`ctx`), and its submit scope, whose graph is the worker's link to the
 * run: nodes it adds and waits for travel to the coordinator as messages
 * (see `nodes.ts` for how its futures behave). Its signal and logger are
 * made only when the task asks for them.
 */
import type { ToWorker } from '../executor/pool/protocol.ts';
import { createLogger, type Logger, type LogRecord } from '../vocabulary/logger.ts';
import type { NodeGraph, NodeSpec } from '../vocabulary/node.ts';
import type { SubmitScope } from '../vocabulary/scope.ts';
import type { TaskState } from '../vocabulary/state.ts';
import type { TaskContext } from '../vocabulary/task.ts';
import type { WorkerNodes } from './nodes.ts';

/** What a task run needs from its worker. */
export interface RunLink {
  readonly nodes: WorkerNodes;
  /** Sends the submit of `spec` by `run`; returns the node's key. */
  submit(run: TaskRun, spec: NodeSpec): number;
  /** Asks the coordinator for node `key`'s outcome, for task `k` (-1: none). */
  askWait(key: number, k: number): void;
  askCancel(key: number): void;
  log(run: TaskRun, record: LogRecord): void;
}

const NO_RESOURCES: Readonly<Record<string, unknown>> = Object.freeze({});

type RunMessage = Extract<ToWorker, { t: 'run' }>;

export class TaskRun implements TaskContext, SubmitScope, NodeGraph {
  /** The coordinator's key for this attempt. */
  readonly k: number;
  readonly runId: string;
  readonly taskId: number;
  readonly name: string;
  readonly attempt: number;
  readonly label: string | undefined;
  /** The resources the task declared, made in this worker before it runs. */
  resources: Readonly<Record<string, unknown>> = NO_RESOURCES;
  /** Keys of the nodes it submitted. */
  readonly children: number[] = [];
  readonly #link: RunLink;
  readonly #nodes: WorkerNodes;
  #controller: AbortController | undefined;
  #log: Logger | undefined;

  constructor(link: RunLink, m: RunMessage) {
    this.#link = link;
    this.#nodes = link.nodes;
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

  /** As a submit scope: the graph is this run's link, the parent this task. */
  get graph(): NodeGraph {
    return this;
  }

  get parentId(): number {
    return this.taskId;
  }

  /** Fires the task's signal (the coordinator's fired). */
  abort(reason: unknown): void {
    this.#controller ??= new AbortController();
    this.#controller.abort(reason);
  }

  /** `name#id`, for messages. */
  describe(ref?: number): string {
    return ref === undefined ? `${this.name}#${this.taskId}` : this.#nodes.describe(ref);
  }

  // ---- NodeGraph: references are the worker's keys ----

  add(spec: NodeSpec): number {
    const key = this.#link.submit(this, spec);
    this.children.push(key);
    return key;
  }

  idOf(ref: number): number {
    return this.#nodes.idOf(ref);
  }

  stateOf(ref: number): TaskState {
    return this.#nodes.stateOf(ref);
  }

  resultOf(ref: number): unknown {
    return this.#nodes.resultOf(ref);
  }

  errorOf(ref: number): Error {
    return this.#nodes.errorOf(ref);
  }

  labelOf(ref: number): string | undefined {
    return this.#nodes.labelOf(ref);
  }

  wait(
    ref: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    waiter: number,
  ): void {
    // This task waits when it is the waiter; else nobody's slot is involved.
    const k = waiter === this.taskId ? this.k : -1;
    this.#nodes.wait(ref, resolve, reject, () => this.#link.askWait(ref, k));
  }

  cancel(ref: number): boolean {
    if (!this.#nodes.cancellable(ref)) return this.#nodes.stateOf(ref) === 'cancelled';
    this.#link.askCancel(ref);
    return true;
  }
}
