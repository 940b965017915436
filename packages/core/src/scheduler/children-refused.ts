/**
 * @module
 * The graph a task sees when its executor cannot carry child submissions
 * (a whole graph handed to a batch system before it runs): adding a node
 * fails, saying why; everything else reads the run's graph.
 */
import { ChildrenNotCarriedError } from '../errors/run.ts';
import type { NodeGraph, NodeSpec } from '../vocabulary/node.ts';

export function refusingChildren(graph: NodeGraph, executor: string): NodeGraph {
  return {
    runId: graph.runId,
    add(spec: NodeSpec): number {
      throw new ChildrenNotCarriedError(
        graph.describe(spec.parent),
        typeof spec.task?.name === 'string' ? spec.task.name : 'a task',
        executor,
      );
    },
    idOf: (ref) => graph.idOf(ref),
    stateOf: (ref) => graph.stateOf(ref),
    resultOf: (ref) => graph.resultOf(ref),
    errorOf: (ref) => graph.errorOf(ref),
    labelOf: (ref) => graph.labelOf(ref),
    describe: (ref) => graph.describe(ref),
    wait: (ref, resolve, reject, waiter, attempt) =>
      graph.wait(ref, resolve, reject, waiter, attempt),
    cancel: (ref) => graph.cancel(ref),
  };
}
