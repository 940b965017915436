/**
 * @module
 * The seam between running a program to its end (`spawn.ts`: output
 * capture, abort and kill grace, errors) and starting it: in this process
 * (`launch-direct.ts`) or in a spawn server (`spawn-server/`). A launcher
 * starts the program and reports what happens to it; `spawn.ts` does the
 * rest the same way for both.
 */

/** What to start. */
export interface LaunchRequest {
  readonly file: string;
  readonly args: readonly string[];
  /** Absolute. */
  readonly cwd: string;
  /** The whole environment, or undefined for this process's own. */
  readonly env: NodeJS.ProcessEnv | undefined;
  /** Bytes kept of each output stream: with `tail`, a launcher may drop what lies before them. */
  readonly maxOutputBytes: number;
  /** Whether all output is wanted as it comes (to log its lines); when false, only the tail. */
  readonly streaming: boolean;
}

/**
 * What a launcher reports about one program: `started`, then `output`
 * until `closed`; or `failed` instead of all of them. `lost` may end it at
 * any point. Events come asynchronously, never from within the launch call.
 */
export interface LaunchEvents {
  started(pid: number): void;
  /** Output in order; `skipped` bytes were dropped just before `chunk` (only once `tail` was asked for). */
  output(stream: 'stdout' | 'stderr', chunk: Buffer, skipped: number): void;
  /** It ended, and its output is closed. */
  closed(exitCode: number | null, signal: NodeJS.Signals | null): void;
  /** It could not be started; `error` is what `child_process.spawn` reported (ENOENT, EACCES, ...). */
  failed(error: NodeJS.ErrnoException): void;
  /** The spawn server that ran it died; `why` says how, and what became of the program. */
  lost(why: string): void;
  /** Something worth a debug line: why the program was started another way. */
  note(message: string): void;
}

/** A program being started or running. */
export interface Launched {
  /**
   * Stops it: SIGTERM; and once it has exited, its output is no longer
   * waited for (processes it started may hold its pipes open).
   */
  abort(): void;
  /** SIGKILL, after `abort` (a no-op once it has exited). */
  kill(): void;
  /** From now on only the last `maxOutputBytes` of `stream` are wanted. */
  tail(stream: 'stdout' | 'stderr'): void;
}

/** Starts one program. Throws only what `child_process.spawn` throws (invalid arguments). */
export type Launcher = (request: LaunchRequest, events: LaunchEvents) => Launched;
