/**
 * @module
 * The async context that tells a front end (`submit`) which run, and which
 * node within it, it is called from. Set by the front end around the run's
 * main code and by executors around each task they run in-process; never
 * passed around by hand.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { processGlobal } from '../util/process-global.ts';
import type { NodeGraph } from './node.ts';

/** Where nodes added in this context go: a run's graph, and the node adding them. */
export interface SubmitScope {
  readonly graph: NodeGraph;
  /** The node that adds (a running task), or -1 for the run's main code. */
  readonly parentId: number;
  /** That node's attempt (0 for main). */
  readonly attempt: number;
}

// One store per process, shared by every copy of weft loaded in it (a task
// module may resolve weft to another copy than the code that runs it).
export const submitScope: AsyncLocalStorage<SubmitScope> = processGlobal(
  'weft.submitScope',
  () => new AsyncLocalStorage<SubmitScope>(),
);
