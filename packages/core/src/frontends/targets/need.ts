/**
 * @module
 * `need(targets)`: asks for targets from running code (a rule's step, a
 * task, a submit-style main) and returns a future of their values. It goes
 * through the front-end seam like any submission: it adds a node of the
 * task `weft.targets.need` naming the targets, to the graph of the current
 * submit scope (the run's, or a worker's link to it). In the coordinator,
 * the run hands that node to the planner of its rules (a `NodeExpander`),
 * which plans the targets, adds their steps' nodes and makes the `need`
 * node depend on them; the node's value is then the targets' values.
 */
import { InvalidArgumentError, NoActiveRunError } from '../../errors/run.ts';
import { TargetNoRulesError } from '../../errors/targets.ts';
import { processGlobal } from '../../util/process-global.ts';
import { type NodeGraph, type NodeSpec, nodeExpanders } from '../../vocabulary/node.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import { task } from '../../vocabulary/task.ts';
import { Future } from '../futures/future.ts';
import type { ValueBox } from './model.ts';

/** The name of the task of `need` nodes. */
export const NEED_TASK = 'weft.targets.need';

/**
 * The task of a `need` node, once planned: its arguments are the targets'
 * values, boxed (a step's result or a recorded `{ v }`); it unboxes them.
 */
export const needTask = task(NEED_TASK, (_ctx, boxes: readonly ValueBox[], single: boolean) =>
  single ? boxes[0]?.v : boxes.map((b) => b.v),
);

/** Asks for one target: a future of its value (a file's path, or a named state's value). */
export function need<T = string>(target: string): Future<T>;
/** Asks for several targets: a future of their values, in order. */
export function need<T extends readonly unknown[] = string[]>(
  targets: readonly string[],
): Future<T>;
/**
 * Asks for targets from running code: a rule's step (`ctx.need`), a task, or
 * the main function of a run that has rules. The targets are planned and
 * built as the build's own are; the future is awaitable, and an edge when
 * passed to `submit`.
 * @example
 * const chunks = await need('chunks/manifest.txt');
 * const parts = await need(names.map((n) => `parts/${n}.txt`));
 */
export function need(targets: string | readonly string[]): Future<unknown> {
  const scope = submitScope.getStore();
  if (scope === undefined) throw new NoActiveRunError('need()');
  const single = typeof targets === 'string';
  const list: string[] = single ? [targets] : Array.isArray(targets) ? [...targets] : [];
  if (!single && !Array.isArray(targets)) {
    throw new InvalidArgumentError(
      NEED_TASK,
      'targets',
      'need() takes a target or an array of targets',
    );
  }
  for (const t of list) {
    if (typeof t !== 'string' || t === '') {
      throw new InvalidArgumentError(
        NEED_TASK,
        'targets',
        `need() takes target names, got ${JSON.stringify(t)}`,
      );
    }
  }
  const graph = scope.graph;
  return new Future(
    graph,
    graph.add({ task: needTask, args: [list, single], parent: scope.parentId }),
  );
}

/** What turns a `need` node into edges to its targets' nodes: a run's planner. */
export interface NeedPlanner {
  expandNeed(spec: NodeSpec): NodeSpec;
}

// Planners by the run (graph) they plan for, one registry per process.
const planners = processGlobal(
  'weft.targets.planners',
  () => new WeakMap<NodeGraph, NeedPlanner>(),
);

/** Makes `planner` answer the `need` nodes of `graph` (a run, in the coordinator). */
export function attachPlanner(graph: NodeGraph, planner: NeedPlanner): void {
  planners.set(graph, planner);
  nodeExpanders.set(NEED_TASK, expandNeed);
}

/** The planner of `graph`, if it has one. */
export function plannerOf(graph: NodeGraph): NeedPlanner | undefined {
  return planners.get(graph);
}

function expandNeed(graph: NodeGraph, spec: NodeSpec): NodeSpec {
  const planner = planners.get(graph);
  if (planner === undefined) {
    const list = Array.isArray(spec.args[0]) ? (spec.args[0] as string[]) : [];
    throw new TargetNoRulesError(list, graph.runId);
  }
  return planner.expandNeed(spec);
}
