/**
 * @module
 * The front-end seam: how anything that builds a graph (futures, targets,
 * steps, a graph importer, a worker carrying a task's child submissions)
 * adds nodes to a run and follows them, without knowing how the run keeps
 * them. A node is one call of a task; an argument that is the output of
 * another node (`NodeOutput`, a future for instance) is an edge.
 *
 * Contract of a `NodeGraph` (the run coordinator implements it; a worker
 * implements it for the tasks it runs, forwarding to the coordinator):
 * - `add(spec)` checks the node (a task, arguments that can reach where it
 *   runs, a unique label, requirements some executor can meet) and throws a
 *   `WeftError` naming what is wrong, having added nothing; else it adds the
 *   node and returns its reference. Node outputs anywhere in `spec.args`
 *   (top level, arrays, plain objects) and the ids in `spec.after` are its
 *   inputs: it starts once they all succeeded, and a failed input makes it
 *   `upstream_failed`, never a hang.
 * - A reference is the node's id in the coordinator; elsewhere it may stand
 *   for an id not known yet (`idOf` says it, or throws
 *   `FutureIdPendingError`).
 * - `wait(ref, resolve, reject, waiter, attempt)` calls exactly one of the
 *   two once the node is final: `resolve` with its value, or `reject` with
 *   its error. `waiter` is the node that waits (-1: none); while it waits it
 *   gives back its executor slot, and a wait that would close a cycle
 *   rejects with `CycleError`.
 * - `stateOf`, `resultOf`, `errorOf` read what is known now; `resultOf` and
 *   `errorOf` only for a node in a final state.
 * - `cancel(ref)` cancels a node that has not started and says whether it is
 *   cancelled.
 */
import { processGlobal } from '../util/process-global.ts';
import type { TaskState } from './state.ts';
import type { SubmitOptions, Task } from './task.ts';

/** A node to add to a run. */
export interface NodeSpec {
  readonly task: Task;
  /** The task's arguments; node outputs in them are inputs whose values replace them. */
  readonly args: readonly unknown[];
  /** References (in the same graph) of nodes that must succeed first, whose values are not passed. */
  readonly after?: readonly number[];
  /** The node that adds this one: a running task, or -1 for the run's main code. */
  readonly parent: number;
  /** A name for the node, unique in its run (else the task's label, if any). */
  readonly label?: string;
  /** Options for this node only (retries, timeout, requirements, priority, ...). */
  readonly options?: SubmitOptions;
}

/** The seam through which front ends add nodes to a run; see the module's contract. */
export interface NodeGraph {
  readonly runId: string;
  add(spec: NodeSpec): number;
  idOf(ref: number): number;
  stateOf(ref: number): TaskState;
  resultOf(ref: number): unknown;
  errorOf(ref: number): Error;
  labelOf(ref: number): string | undefined;
  /** `name#id "label"`, for messages. */
  describe(ref: number): string;
  wait(
    ref: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    waiter: number,
    waiterAttempt: number,
  ): void;
  cancel(ref: number): boolean;
}

/**
 * The mark of a node output: a property holding the node's graph. A symbol
 * of the global registry, so that outputs made by another copy of weft in
 * the same process (a task module may resolve it to another copy) are
 * recognised too.
 */
export const NODE_OUTPUT: unique symbol = Symbol.for('weft.nodeOutput') as never;

/** An argument standing for the output of a node: an edge of the graph. */
export interface NodeOutput {
  readonly [NODE_OUTPUT]: NodeGraph;
  /** The node's reference in that graph. */
  readonly ref: number;
}

/** True for a node output (a future, or a reference made by `outputOf`). */
export function isNodeOutput(value: unknown): value is NodeOutput {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Partial<NodeOutput>)[NODE_OUTPUT] !== undefined
  );
}

class OutputRef implements NodeOutput {
  readonly [NODE_OUTPUT]: NodeGraph;
  readonly ref: number;
  constructor(graph: NodeGraph, ref: number) {
    this[NODE_OUTPUT] = graph;
    this.ref = ref;
  }
}

/**
 * A plain reference to the output of node `ref` of `graph`, for front ends
 * that have no future of their own.
 * @example
 * const load = graph.add({ task: loadTask, args: ['a.csv'], parent: -1 });
 * graph.add({ task: clean, args: [outputOf(graph, load)], parent: -1 });
 */
export function outputOf(graph: NodeGraph, ref: number): NodeOutput {
  return new OutputRef(graph, ref);
}

/**
 * A front end's hook on the nodes of one of its tasks: the run calls it (in
 * the coordinator) with every node of that task before checking it,
 * wherever the node was added (the run's main code, a task in this process,
 * a worker's child submission), and adds the node it returns instead. It
 * may add nodes itself first (through `graph`) and return a node that
 * depends on them; what it throws refuses the node. The targets front end
 * uses it: `need(targets)` adds a `weft.targets.need` node naming targets,
 * which the run's planner turns into edges to the targets' nodes.
 */
export type NodeExpander = (graph: NodeGraph, spec: NodeSpec) => NodeSpec;

/** The expanders by task name: one registry per process, whatever copy of weft registers. */
export const nodeExpanders: Map<string, NodeExpander> = processGlobal(
  'weft.nodeExpanders',
  () => new Map<string, NodeExpander>(),
);

/** The node to add for `spec`: what its task's expander makes of it, if it has one. */
export function expandNode(graph: NodeGraph, spec: NodeSpec): NodeSpec {
  const name = (spec?.task as { name?: unknown } | undefined)?.name;
  const expand = typeof name === 'string' ? nodeExpanders.get(name) : undefined;
  return expand === undefined ? spec : expand(graph, spec);
}
