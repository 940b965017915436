/**
 * @module
 * Where a run's task instances live: per-task state in typed arrays indexed
 * by id (state, unmet inputs, attempts, argument kind, priority, pool), the task,
 * arguments, value and error of each, and the graph. The scheduler extends
 * it with behaviour; this part only stores and describes.
 */

import { serializeError } from '../errors/base.ts';
import {
  CancelledError,
  formatTask,
  InternalError,
  type TaskFailure,
  type TaskRef,
  UpstreamFailedError,
} from '../errors/run.ts';
import { Graph } from '../graph/graph.ts';
import {
  CANCELLED,
  FAILED,
  STATE_NAMES,
  type TaskState,
  UPSTREAM_FAILED,
} from '../vocabulary/state.ts';
import type { Task } from '../vocabulary/task.ts';
import { ARGS_PLAIN, resolveArgs } from './args.ts';

export abstract class TaskTable {
  readonly runId: string;
  readonly graph: Graph = new Graph();
  protected tasks: Task[] = [];
  /** Each task's arguments, or their count when they are only its inputs (`ARGS_ONLY_FUTURES`). */
  protected args: (unknown[] | number | undefined)[] = [];
  protected values: unknown[] = [];
  protected readonly errors = new Map<number, Error>();
  /** For each upstream_failed task, its input that did not succeed. */
  protected readonly upstream = new Map<number, number>();
  protected state = new Uint8Array(1024);
  /** Inputs not yet succeeded. */
  protected waiting = new Int32Array(1024);
  protected attempts = new Uint16Array(1024);
  protected argKinds = new Uint8Array(1024);
  protected priorities = new Int32Array(1024);
  /** The index of each task's executor pool (see `Placement`). */
  protected poolIndex = new Uint8Array(1024);
  protected readonly failedIds: number[] = [];
  protected cancelledFor: string | undefined;
  /** The first id of this table; ids below it belong to earlier sessions of the run. */
  readonly firstId: number;

  constructor(runId: string, firstId = 0) {
    this.runId = runId;
    this.firstId = firstId;
    if (firstId > 0) {
      this.graph.startAt(firstId);
      while (this.state.length <= firstId) this.grow();
    }
  }

  /** Each task that failed, in the order they failed. */
  failures(): TaskFailure[] {
    return this.failedIds.map((id) => ({
      id,
      name: this.tasks[id]!.name,
      label: this.labelOf(id),
      attempts: this.attempts[id]!,
      error: serializeError(this.errors.get(id)),
    }));
  }

  /** How many tasks are in each state. */
  counts(): Record<TaskState, number> {
    const counts = Object.fromEntries(STATE_NAMES.map((s) => [s, 0])) as Record<TaskState, number>;
    for (let id = this.firstId; id < this.graph.size; id++) counts[STATE_NAMES[this.state[id]!]!]++;
    return counts;
  }

  stateOf(id: number): TaskState {
    return STATE_NAMES[this.state[id]!]!;
  }

  resultOf(id: number): unknown {
    return this.values[id];
  }

  errorOf(id: number): Error {
    let error = this.errors.get(id);
    if (error !== undefined) return error;
    const s = this.state[id]!;
    if (s === UPSTREAM_FAILED) {
      const up = this.upstream.get(id)!;
      const us = this.state[up]!;
      const how =
        us === FAILED
          ? 'failed'
          : us === CANCELLED
            ? 'was cancelled'
            : 'did not run (upstream failed)';
      error = new UpstreamFailedError(this.describe(id), this.ref(up), how, this.rootError(up));
    } else if (s === CANCELLED) {
      error = new CancelledError(
        `task ${this.describe(id)} was cancelled: ${this.cancelledFor ?? 'cancelled'}`,
      );
    } else {
      throw new InternalError(`task ${this.describe(id)} has no error: it is ${STATE_NAMES[s]}`);
    }
    this.errors.set(id, error);
    return error;
  }

  describe(id: number): string {
    return formatTask(this.ref(id));
  }

  /** The arguments of a ready task, with its inputs' values in place of futures. */
  argsFor(id: number): readonly unknown[] {
    return this.resolvedArgs(id);
  }

  /** The arguments of `id` with its inputs' values in place of futures, kept for retries. */
  protected resolvedArgs(id: number): unknown[] {
    const stored = this.args[id]!;
    let args: unknown[];
    if (typeof stored === 'number') {
      args = this.graph.prerequisites(id);
      args.length = stored; // prerequisites past the arguments are dependencies only
      for (let i = 0; i < args.length; i++) args[i] = this.values[args[i] as number];
    } else {
      args = resolveArgs(stored, this.argKinds[id]!, this.#valueOf);
    }
    this.args[id] = args;
    this.argKinds[id] = ARGS_PLAIN;
    return args;
  }

  readonly #valueOf = (id: number): unknown => this.values[id];

  taskOf(id: number): Task {
    return this.tasks[id]!;
  }

  nameOf(id: number): string {
    return this.tasks[id]!.name;
  }

  labelOf(id: number): string | undefined {
    return this.tasks[id]?.label;
  }

  protected eventBase(id: number) {
    const task = this.tasks[id]!;
    return {
      runId: this.runId,
      taskId: id,
      name: task.name,
      label: task.label,
      attempt: this.attempts[id]!,
      time: Date.now(),
    };
  }

  protected ref(id: number): TaskRef {
    return { id, name: this.tasks[id]!.name, label: this.labelOf(id) };
  }

  /** The error at the root of an upstream failure chain. */
  protected rootError(id: number): Error | undefined {
    let at = id;
    while (this.state[at] === UPSTREAM_FAILED) at = this.upstream.get(at)!;
    return this.errors.get(at);
  }

  protected grow(): void {
    const size = this.state.length * 2;
    const grow = <T extends Uint8Array | Uint16Array | Int32Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.state = grow(this.state, (n) => new Uint8Array(n));
    this.waiting = grow(this.waiting, (n) => new Int32Array(n));
    this.attempts = grow(this.attempts, (n) => new Uint16Array(n));
    this.argKinds = grow(this.argKinds, (n) => new Uint8Array(n));
    this.priorities = grow(this.priorities, (n) => new Int32Array(n));
    this.poolIndex = grow(this.poolIndex, (n) => new Uint8Array(n));
  }
}
