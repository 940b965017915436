/**
 * @module
 * What `run()` takes and gives back: its options, the handle of a run in
 * progress, and the type of main's resolved value.
 */
import type { CacheMode } from '../cache/task-cache.ts';
import type { EventListener, RunEvent } from '../events/events.ts';
import type { ExecutorChoice } from '../executor/kinds.ts';
import type { Future } from '../frontends/futures/future.ts';
import type { ResourceSet } from '../resources/resource-set.ts';
import type { Duration } from '../util/duration.ts';
import type { Logger } from '../vocabulary/logger.ts';

export interface RunOptions {
  /** The resource set to run under (a mode given directly). */
  readonly resources?: ResourceSet;
  /** The mode to load from the nearest `weft.config.ts` (else `WEFT_MODE`). */
  readonly mode?: string;
  /** Where to look for `weft.config.ts` from. @default process.cwd() */
  readonly cwd?: string;
  /** Config values keyed by resource name: `{ db: { url } }`. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Config overrides by path: `{ 'db.url': '...' }`. They win over every other source. */
  readonly set?: Readonly<Record<string, unknown>>;
  /** The run's parameters, given to resources as `ctx.params`. */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * Where tasks run, overriding the mode's executor: a kind (`'inline'`), a kind
   * with options (`{ kind: 'inline', concurrency: 4 }`), an executor definition
   * (`inline()`), or an executor. @default the mode's, else inline()
   */
  readonly executor?: ExecutorChoice;
  /** Run every task that does not depend on a failure, instead of stopping at the first. @default false */
  readonly keepGoing?: boolean;
  /** The run's id. @default a new time-ordered id */
  readonly runId?: string;
  /** Receives every log record written through a task's `ctx.log`, with its task. */
  readonly logger?: Logger;
  /** Called synchronously with every event of the run. */
  readonly onEvent?: EventListener;
  /** Cancels the run when it aborts. */
  readonly signal?: AbortSignal;
  /** How long a cancelled or failed run waits for running tasks to notice their signal. @default '5s' */
  readonly cancelGrace?: Duration;
  /**
   * Whether tasks that ask for caching take results recorded by earlier runs
   * (`read`), record theirs for later runs (`write`), both, or neither. @default 'readwrite'
   */
  readonly cache?: CacheMode;
  /** The workflow module recorded with the run (what `weft resume` imports). @default the module that called run() */
  readonly workflow?: string;
  /**
   * The SQLite file the run is recorded in (its artifacts go beside it), when
   * the resource set has no `runStore`. @default `.weft/weft.db` beside the
   * nearest weft.config.ts from `cwd`, else in `cwd`
   */
  readonly store?: string;
  /**
   * Whether the run is recorded in the run store. Without a record there is
   * no resume, no cache and nothing for `weft runs`: for dry runs and for
   * measuring the scheduler alone. @default true
   */
  readonly record?: boolean;
  /** Retries of tasks that do not set their own `retries`. @default 0 */
  readonly retries?: number;
  /** Continue the recorded run with this id (see `resume`). */
  readonly resume?: string;
  /** Reuse the successful results of the recorded run with this id (see `rerun`). */
  readonly reuseFrom?: string;
}

/** A run in progress. */
export interface RunHandle<T> {
  readonly id: string;
  /** Every event of the run from the moment this is first read; ends after `run_finished`. */
  readonly events: AsyncIterable<RunEvent>;
  /** Stops dispatching and cancels running tasks through their signal. */
  cancel(reason?: string): void;
  /** The value of main, with futures resolved; rejects with RunFailedError or RunCancelledError. */
  result(): Promise<T>;
  /** The id of the task submitted with `label`, if any. */
  taskId(label: string): number | undefined;
}

/** What main returns, with every future (also inside arrays and plain objects) replaced by its value. */
export type Resolved<T> =
  T extends Future<infer V>
    ? V
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Resolved<T[K]> }
      : T extends (...args: never[]) => unknown
        ? T
        : T extends object
          ? { [K in keyof T]: Resolved<T[K]> }
          : T;
