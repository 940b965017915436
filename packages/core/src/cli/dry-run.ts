/**
 * @module
 * `--dry-run`: runs the workflow's main function under an executor that
 * never runs a task, so the graph is built as far as it is known without
 * running anything (what main submits before it awaits a result), then
 * cancels the run. Nothing is recorded in the project's run store and no
 * cached result is read.
 */

import type { RunEvent } from '../events/events.ts';
import type { Executor } from '../executor/executor.ts';
import type { RunOptions } from '../frontends/futures/run.ts';
import type { GraphNode, GraphView } from './graph-view.ts';

/** Event-loop turns without a new submission after which the graph is taken as known. */
const QUIET_TURNS = 3;

/**
 * An executor with no slots: tasks become ready and stay so (their
 * resources are never created). Every requirement fits, so no task is
 * refused for its requirements.
 */
export function dryExecutor(): Executor {
  const everything = new Proxy({}, { get: () => Number.POSITIVE_INFINITY });
  return {
    name: 'dry',
    capacity: { slots: 0, resources: everything },
    run: (_inv, signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    [Symbol.asyncDispose]: async () => {},
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));

/** What to tell the user when main was still waiting: the graph may go on past that point. */
export function waitingNote(found: DryRunResult): string {
  const n = found.view.nodes.length;
  return (
    `note: main was still waiting when the dry run stopped (it awaits a task's result, which a dry run never has): ` +
    `the graph shows the ${n} task${n === 1 ? '' : 's'} main submitted before that, and may go on past it\n`
  );
}

/** The graph a dry run found, and whether main was still waiting when it stopped. */
export interface DryRunResult {
  readonly view: GraphView;
  /**
   * Main had not returned: it awaits a task's result (which a dry run never
   * has), so the graph is what it submitted before that.
   */
  readonly mainWaiting: boolean;
}

/**
 * The graph `main` builds before it needs a task's result.
 * @example
 * const { view } = await dryRun(() => workflow.main(params), { cwd, mode });
 */
export async function dryRun(
  main: () => unknown,
  options: Omit<RunOptions, 'executor' | 'onEvent' | 'cache'>,
): Promise<DryRunResult> {
  const { startRun } = await import('../frontends/futures/run.ts');
  const nodes = new Map<number, GraphNode>();
  const edges: [number, number][] = [];
  let submissions = 0;
  let started = false;
  const onEvent = (e: RunEvent): void => {
    if (e.type !== 'submitted') return;
    submissions++;
    nodes.set(e.taskId, { id: e.taskId, name: e.name, label: e.label });
    for (const dep of e.deps) edges.push([dep, e.taskId]);
  };
  let settled = false;
  let failure: unknown;
  let endedEarly = false;
  let returned = false;
  const handle = startRun(
    async () => {
      started = true;
      const value = await main();
      returned = true;
      return value;
    },
    // A dry run is not a run to remember.
    { ...options, executor: dryExecutor(), record: false, onEvent },
  );
  const done = handle.result().then(
    () => {},
    (error: unknown) => {
      failure = error;
    },
  );
  void done.finally(() => {
    settled = true;
  });
  let seen = -1;
  let quiet = 0;
  while (!settled && quiet < QUIET_TURNS) {
    if (!started) {
      await tick();
      continue;
    }
    await turn();
    if (submissions !== seen) {
      seen = submissions;
      quiet = 0;
    } else quiet++;
  }
  // A run that ended on its own with an error (config, main threw) failed the dry run.
  endedEarly = settled;
  handle.cancel('dry run: the graph is known');
  await done;
  if (endedEarly && failure !== undefined) throw failure;
  return { view: { nodes: [...nodes.values()], edges }, mainWaiting: !returned };
}
