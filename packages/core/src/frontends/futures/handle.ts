/**
 * @module
 * What `startRun` gives back: the handle of a run in progress, and the type
 * of main's value with its futures resolved.
 */
import type { RunEvent } from '../../events/events.ts';
import type { Logger } from '../../vocabulary/logger.ts';
import type { Future } from './future.ts';

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
  /** A logger whose records become the run's own log events (task -1), recorded with the run. */
  readonly log: Logger;
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
