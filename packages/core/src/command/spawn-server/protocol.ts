/**
 * @module
 * The messages between a process and its spawn server (`server-main.ts`),
 * over Node's IPC channel with advanced serialization, so that output
 * crosses as Buffers. Each message about a program carries the id its
 * client gave the spawn request. The server answers a request with
 * `started` then `closed`, or with `failed`; `out` messages come between.
 */

/** Sent by the client. */
export type ToServer =
  | {
      readonly t: 'spawn';
      readonly id: number;
      readonly file: string;
      readonly args: readonly string[];
      /** Absolute. */
      readonly cwd: string;
      /** The program's whole environment. */
      readonly env: Readonly<Record<string, string | undefined>>;
      /** Bytes kept of each stream once it is in tail mode. */
      readonly limit: number;
      /**
       * Whether output is sent as it comes (its lines are logged) until a
       * `tail` message; when false, both streams are in tail mode from the start.
       */
      readonly stream: boolean;
    }
  /**
   * The first kill also marks the program as aborted: once it has exited,
   * its output is no longer read (processes it started may hold its pipes).
   */
  | { readonly t: 'kill'; readonly id: number; readonly signal: 'SIGTERM' | 'SIGKILL' }
  /** From now on, only the last `limit` bytes of this stream are wanted. */
  | { readonly t: 'tail'; readonly id: number; readonly s: 1 | 2 };

/** Sent by the server. */
export type FromServer =
  /** The server's first message. */
  | { readonly t: 'ready' }
  | { readonly t: 'started'; readonly id: number; readonly pid: number }
  /** Output, in order; `skipped` bytes were dropped (in tail mode) just before `d`. */
  | {
      readonly t: 'out';
      readonly id: number;
      readonly s: 1 | 2;
      readonly d: Buffer;
      readonly skipped: number;
    }
  | {
      readonly t: 'closed';
      readonly id: number;
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
    }
  /** The program could not be started. */
  | { readonly t: 'failed'; readonly id: number; readonly error: StartFailure };

/** The error `child_process.spawn` reported, as plain data. */
export interface StartFailure {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
  readonly errno: number | undefined;
  readonly syscall: string | undefined;
  readonly path: string | undefined;
}
