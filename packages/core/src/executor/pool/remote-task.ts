/**
 * @module
 * A task submitted from a worker, as the coordinator's run sees it: its
 * name and compiled options (its module among them), and no function. The
 * coordinator never runs it; it dispatches it back to a worker, which
 * imports the real one.
 */

import { RemoteTaskError } from '../../errors/run.ts';
import type { CompiledTaskOptions, SubmitOptions, Task } from '../../vocabulary/task.ts';

// The brand `isTask` recognises across copies of weft (see vocabulary/task.ts).
const TASK = Symbol.for('weft.task');

/** A task known by its options only, for the coordinator's graph. */
export function remoteTask(options: CompiledTaskOptions, label?: string): Task {
  const runsInWorkers = (): never => {
    throw new RemoteTaskError(options.name);
  };
  return {
    [TASK]: true,
    name: options.name,
    options,
    label,
    fn: runsInWorkers,
    with: (_: SubmitOptions) => runsInWorkers(),
  } as Task;
}
