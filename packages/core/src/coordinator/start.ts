/**
 * @module
 * Starting a run for a front end: `startGraph(body, options)` opens a run
 * and calls `body` with its graph (the `NodeGraph` seam), inside the run's
 * submit scope; the run ends once every node added (by the body or by
 * running tasks) is final. Every front end starts its runs this way: futures
 * (`run(main)`), targets, steps, imported graphs.
 */
import { RunInWorkerError } from '../errors/run.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../vocabulary/logger.ts';
import type { SubmitScope } from '../vocabulary/scope.ts';
import type { LabelLookup } from './label-index.ts';
import { Run } from './run.ts';
import { compileRunOptions, type RunOptions } from './run-options.ts';

/** A run a front end started. */
export interface GraphRun<T> {
  readonly id: string;
  /** The run's events, for listeners (see `eventStream`). */
  readonly bus: EventBus;
  /** True once the run ended (`run_finished` was emitted). */
  readonly ended: boolean;
  /** Labels given to nodes so far, with their ids. */
  readonly labels: LabelLookup;
  /** A logger whose records become the run's own log events (task -1). */
  readonly log: Logger;
  /** Stops dispatching and cancels running tasks; the run ends as cancelled. */
  cancel(reason: string): void;
  /** The dispatch behaviours of the run's scheduler, in order (empty before it starts). */
  behaviours(): { name: string; options: Readonly<Record<string, unknown>> }[];
  /** The settled value of the body; rejects with `RunFailedError` or `RunCancelledError`. */
  readonly result: Promise<T>;
}

/**
 * Starts a run whose nodes `body` adds through `scope.graph` (with
 * `parent: scope.parentId`). What `body` throws fails the run (and cancels
 * it, unless `keepGoing`); `settle` turns its value into the run's result
 * once it returned (the futures front end resolves futures there).
 * @example
 * const r = startGraph(({ graph }) => {
 *   const a = graph.add({ task: load, args: ['a.csv'], parent: -1 });
 *   return graph.add({ task: clean, args: [outputOf(graph, a)], parent: -1 });
 * });
 * await r.result;
 */
export function startGraph<T>(
  body: (scope: SubmitScope) => unknown,
  options: RunOptions = {},
  settle?: (value: unknown) => Promise<unknown>,
): GraphRun<T> {
  const importing = (globalThis as Record<symbol, unknown>)[Symbol.for('weft.importingTaskModule')];
  if (importing !== undefined) throw new RunInWorkerError(String(importing));
  const run = new Run(compileRunOptions(options));
  const result = run.execute(body, settle) as Promise<T>;
  result.catch(() => {}); // observed through result; never an unhandled rejection
  return {
    id: run.runId,
    bus: run.bus,
    get ended() {
      return run.ended;
    },
    labels: run.labels,
    log: run.log,
    cancel: (reason) => run.cancelRun(reason),
    behaviours: () => run.behaviours(),
    result,
  };
}
