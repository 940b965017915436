/**
 * @module
 * The async context that tells `submit` which run, and which task within it,
 * it is called from. Set by `run()` around the main function and by
 * executors around each task; never passed around by hand.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { processGlobal } from '../util/process-global.ts';
import type { AnyArgs, Task } from './task.ts';

/** Where `submit` adds its node: a run, and the submitting task (-1 for main). */
export interface SubmitScope {
  readonly runId: string;
  readonly parentId: number;
  /** The submitting task's attempt (0 for main). */
  readonly attempt: number;
  submit(task: Task, args: AnyArgs, parentId: number): unknown;
}

// One store per process, shared by every copy of weft loaded in it (a task
// module may resolve weft to another copy than the code that runs it).
export const submitScope: AsyncLocalStorage<SubmitScope> = processGlobal(
  'weft.submitScope',
  () => new AsyncLocalStorage<SubmitScope>(),
);
