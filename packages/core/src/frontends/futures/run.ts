/**
 * @module
 * Running a workflow: `run`, `startRun`, and `resume` / `rerun` for runs
 * the run store recorded.
 */
import { fileURLToPath } from 'node:url';
import type { RunOptions } from '../../coordinator/run-options.ts';
import { startGraph } from '../../coordinator/start.ts';
import { eventStream } from '../../events/bus.ts';
import type { RunEvent } from '../../events/events.ts';
import { callerModule } from '../../util/caller-module.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import type { Resolved, RunHandle } from './handle.ts';
import { emptyStream, resolveFutures } from './resolve.ts';

export type { RunOptions } from '../../coordinator/run-options.ts';
export type { Resolved, RunHandle } from './handle.ts';

/**
 * Runs `main` as a workflow and returns its value once every task it (and
 * its tasks) submitted has finished.
 * @example
 * const total = await run(async () => submit(sum, submit(load, 'a.csv')));
 */
export function run<T>(
  main: () => T | Promise<T>,
  options: RunOptions = {},
): Promise<Resolved<Awaited<T>>> {
  return begin(main, options, callerModule(run)).result();
}

/**
 * Starts `main` as a workflow and returns a handle at once. Main starts on
 * the next microtask, so reading `handle.events` right away misses nothing.
 */
export function startRun<T>(
  main: () => T | Promise<T>,
  options: RunOptions = {},
): RunHandle<Resolved<Awaited<T>>> {
  return begin(main, options, callerModule(startRun));
}

/**
 * Continues a recorded run that stopped (killed, machine lost, failed):
 * `main` is called again, and each submission that matches a recorded task
 * that succeeded takes its recorded result (state `cached`) instead of
 * running; the others run. The run keeps its id; its new tasks' ids follow
 * the recorded ones.
 * @example
 * await resume('lq3k2-9f1c', main);
 */
export function resume<T>(
  runId: string,
  main: () => T | Promise<T>,
  options: Omit<RunOptions, 'resume' | 'reuseFrom' | 'runId'> = {},
): Promise<Resolved<Awaited<T>>> {
  return begin(main, { ...options, resume: runId }, callerModule(resume)).result();
}

/**
 * A new run of `main` that reuses the successful results of the recorded run
 * `runId`: its failed tasks, and what depends on them, run again.
 * @example
 * await rerun(failedRunId, main);
 */
export function rerun<T>(
  runId: string,
  main: () => T | Promise<T>,
  options: Omit<RunOptions, 'resume' | 'reuseFrom'> = {},
): Promise<Resolved<Awaited<T>>> {
  return begin(main, { ...options, reuseFrom: runId }, callerModule(rerun)).result();
}

function begin<T>(
  main: () => T | Promise<T>,
  options: RunOptions,
  caller: string | undefined,
): RunHandle<Resolved<Awaited<T>>> {
  const workflow = options.workflow ?? caller;
  const run = startGraph<Resolved<Awaited<T>>>(
    (scope) => submitScope.run(scope, main),
    workflow?.startsWith('file:') ? { ...options, workflow: fileURLToPath(workflow) } : options,
    resolveFutures,
  );
  let events: AsyncIterable<RunEvent> | undefined;
  return {
    id: run.id,
    get events() {
      events ??= run.ended ? emptyStream() : eventStream(run.bus);
      return events;
    },
    cancel: (reason = 'cancelled by RunHandle.cancel()') => run.cancel(reason),
    result: () => run.result,
    taskId: (label) => run.labels.get(label),
    log: run.log,
  };
}
