/**
 * @module
 * `Future<T>`: what `submit` returns at once. Awaitable, and an edge when
 * passed as an argument to another `submit`. A future is a small handle: a
 * node's reference and the graph that holds it (the run, in the
 * coordinator; the worker's link to it, in a worker), which keeps the state
 * and the value.
 *
 * Where the graph cannot answer at once (in a worker, before the
 * coordinator took the submit), `id` throws `FutureIdPendingError`, and
 * `state` is the state last heard there; see `NodeGraph`.
 */
import { FutureNotDoneError } from '../../errors/run.ts';
import { NODE_OUTPUT, type NodeGraph, type NodeOutput } from '../../vocabulary/node.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import { DONE_STATES as DONE, type TaskState } from '../../vocabulary/state.ts';
import { type PathKey, pick } from './pick.ts';

/** The eventual result of one submitted task. */
export class Future<T = unknown> implements PromiseLike<T>, NodeOutput {
  /** @internal The graph that holds the node. */
  readonly [NODE_OUTPUT]: NodeGraph;
  /** @internal The node's reference in that graph. */
  readonly ref: number;

  constructor(graph: NodeGraph, ref: number) {
    this[NODE_OUTPUT] = graph;
    this.ref = ref;
  }

  /** The task instance's id: an integer, stable within its run. */
  get id(): number {
    return this[NODE_OUTPUT].idOf(this.ref);
  }

  /** The id of the run this future belongs to. */
  get runId(): string {
    return this[NODE_OUTPUT].runId;
  }

  get state(): TaskState {
    return this[NODE_OUTPUT].stateOf(this.ref);
  }

  get label(): string | undefined {
    return this[NODE_OUTPUT].labelOf(this.ref);
  }

  /** True once the task reached a final state. */
  done(): boolean {
    return DONE.has(this.state);
  }

  /** True when the task was cancelled. */
  cancelled(): boolean {
    return this.state === 'cancelled';
  }

  /** Cancels the task if it has not started yet; returns whether it is cancelled. */
  cancel(): boolean {
    return this[NODE_OUTPUT].cancel(this.ref);
  }

  /**
   * The task's value: returned when it succeeded, thrown when it did not.
   * Throws `FutureNotDoneError` before the task is done (await the future to wait).
   */
  result(): T {
    const graph = this[NODE_OUTPUT];
    const state = this.state;
    if (state === 'succeeded' || state === 'cached') return graph.resultOf(this.ref) as T;
    if (!DONE.has(state)) throw new FutureNotDoneError(graph.describe(this.ref), state);
    throw graph.errorOf(this.ref);
  }

  /** The task's error, or undefined when it succeeded. Throws `FutureNotDoneError` before it is done. */
  exception(): Error | undefined {
    const graph = this[NODE_OUTPUT];
    const state = this.state;
    if (state === 'succeeded' || state === 'cached') return undefined;
    if (!DONE.has(state)) throw new FutureNotDoneError(graph.describe(this.ref), state);
    return graph.errorOf(this.ref);
  }

  // biome-ignore lint/suspicious/noThenProperty: a future is awaitable by design.
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const graph = this[NODE_OUTPUT];
    const scope = submitScope.getStore();
    // A task of the same run that awaits waits through its own graph, which
    // knows it as the waiter (and gives back its slot meanwhile).
    const mine = scope !== undefined && scope.graph.runId === graph.runId;
    return new Promise<T>((resolve, reject) => {
      if (mine) {
        scope.graph.wait(
          this.ref,
          resolve as (v: unknown) => void,
          reject,
          scope.parentId,
          scope.attempt,
        );
      } else graph.wait(this.ref, resolve as (v: unknown) => void, reject, -1, 0);
    }).then(onfulfilled, onrejected);
  }

  /**
   * A future of a part of this task's value (`get('outputs', 0)` is
   * `value.outputs[0]`), to pass downstream as an edge. It is a small task
   * of its own (`weft.get`) that runs once this one succeeded, and fails
   * naming the key when the part is missing.
   * @example
   * const sizes = submit(measure, files);
   * submit(report, sizes.get('total'));
   */
  get<K1 extends keyof T>(k1: K1): Future<T[K1]>;
  get<K1 extends keyof T, K2 extends keyof T[K1]>(k1: K1, k2: K2): Future<T[K1][K2]>;
  get(...path: PathKey[]): Future<unknown>;
  get(...path: PathKey[]): Future<unknown> {
    const own = this[NODE_OUTPUT];
    const scope = submitScope.getStore();
    const mine = scope !== undefined && scope.graph.runId === own.runId;
    const graph = mine ? scope.graph : own;
    return new Future(
      graph,
      graph.add({ task: pick, args: [this, path], parent: mine ? scope.parentId : -1 }),
    );
  }

  toString(): string {
    return `Future(${this[NODE_OUTPUT].describe(this.ref)}, ${this.state})`;
  }
}
