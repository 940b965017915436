/**
 * @module
 * `@weft/core/frontend`: the seam front ends build on. A front end (futures,
 * targets, steps, an imported graph) starts a run with `startGraph` and adds
 * nodes through its `NodeGraph`: a task, arguments in which node outputs
 * (`outputOf`) are edges, explicit dependencies, a parent, a label and
 * options; each node gets an integer id. Running tasks add their children
 * through the same seam, wherever they run.
 */

export type { LabelLookup } from './coordinator/label-index.ts';
export type { CompiledRunOptions, RunOptions } from './coordinator/run-options.ts';
export { type GraphRun, startGraph } from './coordinator/start.ts';
export { eventStream } from './events/bus.ts';
export {
  isNodeOutput,
  NODE_OUTPUT,
  type NodeGraph,
  type NodeOutput,
  type NodeSpec,
  outputOf,
} from './vocabulary/node.ts';
export { type SubmitScope, submitScope } from './vocabulary/scope.ts';
export { DONE_STATES, type TaskState } from './vocabulary/state.ts';
