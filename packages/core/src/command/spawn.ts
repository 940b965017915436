/**
 * @module
 * Runs one program to its end (never through a shell of its own): stdin is
 * /dev/null, stdout and stderr are captured (bounded) and optionally logged
 * line by line. When the signal aborts, the program gets SIGTERM, then
 * SIGKILL after the grace period, and the run rejects with the signal's
 * reason once the program is gone. Programs start on a spawn server
 * (`spawn-server/`), which spares this process a fork of itself per program.
 */
import { stat } from 'node:fs/promises';
import { CommandNotFoundError, formatArgv, SpawnServerDiedError } from '../errors/command.ts';
import { CancelledError } from '../errors/run.ts';
import { OutputCapture } from './capture.ts';
import type { Launcher } from './launch.ts';
import { launchOnServer } from './spawn-server/servers.ts';

/** One program to run: everything resolved. */
export interface Program {
  readonly file: string;
  readonly args: readonly string[];
  /** `[file, ...args]`, for messages. */
  readonly argv: readonly string[];
  /** Absolute. */
  readonly cwd: string;
  /** The whole environment, or undefined for the weft process's own. */
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly killGraceMs: number;
  readonly maxOutputBytes: number;
  /** Receives each line of output, when output is logged. */
  readonly onLine: ((stream: 'stdout' | 'stderr', line: string) => void) | undefined;
  /** Called once the program has started. */
  readonly onStart: ((pid: number) => void) | undefined;
  /** Receives what is worth a debug line (why the program was started without the spawn server). */
  readonly onDebug: ((message: string) => void) | undefined;
}

/** How a program ended, and what it wrote. */
export interface ProgramExit {
  /** The exit code, or null when a signal ended the program. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Bytes dropped from the start of stdout and stderr to keep within `maxOutputBytes`. */
  readonly stdoutDropped: number;
  readonly stderrDropped: number;
}

/**
 * Starts `program` and settles when it has ended and its output is closed.
 * Rejects with `CommandNotFoundError` when it cannot be started, with
 * `SpawnServerDiedError` when the spawn server running it died, and with
 * the signal's reason when `signal` aborts (after the program has ended).
 * `launch` starts it: on a spawn server unless told otherwise.
 * @example
 * const exit = await runProgram(program, ctx.signal);
 */
export function runProgram(
  program: Program,
  signal: AbortSignal,
  launch: Launcher = launchOnServer,
): Promise<ProgramExit> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onLine = program.onLine;
    const out = new OutputCapture(
      program.maxOutputBytes,
      onLine && ((line) => onLine('stdout', line)),
    );
    const err = new OutputCapture(
      program.maxOutputBytes,
      onLine && ((line) => onLine('stderr', line)),
    );
    let pid: number | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const onAbort = (): void => {
      launched.abort();
      killTimer = setTimeout(() => launched.kill(), program.killGraceMs);
    };
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (killTimer !== undefined) clearTimeout(killTimer);
      return true;
    };
    const launched = launch(
      {
        file: program.file,
        args: program.args,
        cwd: program.cwd,
        env: program.env,
        maxOutputBytes: program.maxOutputBytes,
        streaming: out.logging,
      },
      {
        started: (p) => {
          pid = p;
          program.onStart?.(p);
        },
        output: (stream, chunk, skipped) => {
          const capture = stream === 'stdout' ? out : err;
          const logging = capture.logging;
          if (skipped > 0) capture.skip(skipped);
          if (chunk.length > 0) capture.push(chunk);
          if (logging && !capture.logging) launched.tail(stream);
        },
        closed: (exitCode, exitSignal) => {
          if (!finish()) return;
          if (signal.aborted) {
            reject(abortReason(signal));
            return;
          }
          out.end();
          err.end();
          const o = out.collect();
          const e = err.collect();
          resolve({
            exitCode,
            signal: exitSignal,
            stdout: o.text,
            stderr: e.text,
            stdoutDropped: o.dropped,
            stderrDropped: e.dropped,
          });
        },
        failed: (error) => {
          if (finish()) startError(program, error).then(reject, reject);
        },
        lost: (why) => {
          if (!finish()) return;
          reject(
            signal.aborted
              ? abortReason(signal)
              : new SpawnServerDiedError(program.argv, pid ?? null, why),
          );
        },
        note: (message) => program.onDebug?.(message),
      },
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error for a program that could not be started, saying which part was missing. */
async function startError(program: Program, error: NodeJS.ErrnoException): Promise<Error> {
  const argv = program.argv;
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
    // spawn reports a missing working directory as a missing program.
    const dir = await stat(program.cwd).catch(() => undefined);
    if (dir === undefined || !dir.isDirectory()) {
      return new CommandNotFoundError(
        argv,
        program.cwd,
        `command ${formatArgv(argv)} was not started: its working directory ${program.cwd} does not exist`,
        error,
      );
    }
    return new CommandNotFoundError(
      argv,
      program.file,
      `command not found: ${program.file}${program.file.includes('/') ? '' : ' (looked up on PATH)'}`,
      error,
    );
  }
  if (error.code === 'EACCES') {
    return new CommandNotFoundError(
      argv,
      program.file,
      `command ${program.file} cannot be run: permission denied (is it an executable file?)`,
      error,
    );
  }
  return error;
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new CancelledError('the command was cancelled');
}
