/**
 * @module
 * The renderer seam: what shows a run's progress from its events. The `weft`
 * command makes one renderer per run (`createRenderer` in `index.ts` picks the
 * live terminal block, plain lines or NDJSON) and hands it every event.
 *
 * The contract every renderer keeps (checked by `runRendererContract` in
 * `@weft/core/testing`):
 * - `event(e)` is called synchronously for every event of runs with millions
 *   of tasks, so it is O(1) and cheap: it updates counters and maps and builds
 *   no strings for ordinary events. Formatting happens later, on a timer or
 *   on `run_finished`.
 * - It never throws, whatever the sequence: unknown or negative task ids,
 *   events out of order or repeated, a run with zero tasks, events after
 *   `run_finished` or after `close()` (those are ignored).
 * - Every `failed` event is reported with the task's name and its error's
 *   message.
 * - `run_finished` produces a summary that names the run's final state; it
 *   is the last thing written (apart from escape codes restoring the terminal).
 * - `close()` stops every timer, restores the terminal, flushes what is
 *   pending and writes nothing afterwards. It is idempotent.
 * - Timers a renderer starts are `unref`'d: a renderer never keeps the
 *   process alive.
 */
import type { RunEvent } from '../../events/events.ts';

/** Where a renderer writes: `process.stdout`, a file stream, or a test sink. */
export interface RenderStream {
  write(text: string): unknown;
  /** True for a terminal; only then does a live block make sense. */
  readonly isTTY?: boolean;
  /** Terminal width in characters; lines of the live block are cut to it. */
  readonly columns?: number;
}

/** Environment variables a renderer reads (`NO_COLOR`, `FORCE_COLOR`, `TERM`). */
export type RenderEnv = Readonly<Record<string, string | undefined>>;

/** What every renderer factory takes. */
export interface RendererOptions {
  /** The main output: the live block, progress, the summary, NDJSON. */
  readonly out: RenderStream;
  /** Where plain output writes failures, retries and warnings (default: `out`). */
  readonly err?: RenderStream;
  /** The clock, in milliseconds since the epoch like event times (default `Date.now`). */
  readonly now?: () => number;
  /** Read for `NO_COLOR` / `FORCE_COLOR` / `TERM` (default `process.env`). */
  readonly env?: RenderEnv;
  /** Forces colors on or off; by default decided from `env` and `out.isTTY`. */
  readonly color?: boolean;
}

/** Shows a run's progress. See the module comment for the contract. */
export interface Renderer {
  /** Takes one event of the run. O(1), never throws. */
  event(event: RunEvent): void;
  /** Stops timers, flushes, restores the terminal. Idempotent. */
  close(): void;
}

/** Makes a renderer. */
export type RendererFactory = (options: RendererOptions) => Renderer;
