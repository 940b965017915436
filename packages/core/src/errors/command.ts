/**
 * @module
 * The errors of command tasks. Each has a stable `code` and keeps what its
 * message names (the argv, the path, the exit code) in fields, so that tools
 * can use them after the error crossed a thread or a process.
 */
import { WeftError } from './base.ts';

/** The program ran and failed: a non-zero exit code, or death by a signal. */
export class CommandFailedError extends WeftError {
  readonly argv: readonly string[];
  /** The exit code, or null when a signal ended the program. */
  readonly exitCode: number | null;
  /** The signal that ended the program (`SIGKILL`, ...), or null when it exited. */
  readonly signal: string | null;
  /** The last lines of its standard error (at most 2,000 characters). */
  readonly stderrTail: string;
  constructor(
    argv: readonly string[],
    exitCode: number | null,
    signal: string | null,
    stderrTail: string,
  ) {
    const how = signal !== null ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    const tail =
      stderrTail === '' ? '; it wrote nothing to stderr' : `; end of stderr:\n${stderrTail}`;
    super('WEFT_COMMAND_FAILED', `command ${formatArgv(argv)} ${how}${tail}`);
    this.argv = argv;
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderrTail = stderrTail;
  }
}

/** The program could not be started: not found, not executable, or no such working directory. */
export class CommandNotFoundError extends WeftError {
  /** Retrying cannot make it appear: the task fails at once. */
  readonly retryable = false;
  readonly argv: readonly string[];
  /** What was missing or refused: the program, or the working directory. */
  readonly path: string;
  constructor(argv: readonly string[], path: string, message: string, cause?: unknown) {
    super('WEFT_COMMAND_NOT_FOUND', message, { cause });
    this.argv = argv;
    this.path = path;
  }
}

/**
 * The spawn server that started the program died before the program ended
 * (see `spawn-server/`). The program was killed if it had started; a retry
 * runs on a fresh server.
 */
export class SpawnServerDiedError extends WeftError {
  readonly argv: readonly string[];
  /** The program's pid, or null when it is not known to have started. */
  readonly pid: number | null;
  constructor(argv: readonly string[], pid: number | null, why: string) {
    super('WEFT_SPAWN_SERVER_DIED', `command ${formatArgv(argv)} failed: ${why}`);
    this.argv = argv;
    this.pid = pid;
  }
}

/** A declared input file does not exist when the command is about to start. */
export class CommandInputMissingError extends WeftError {
  /** Retrying cannot make it appear: the task fails at once. */
  readonly retryable = false;
  readonly argv: readonly string[];
  /** The missing input, absolute. */
  readonly path: string;
  constructor(argv: readonly string[], path: string) {
    super(
      'WEFT_COMMAND_INPUT_MISSING',
      `command ${formatArgv(argv)} was not started: its declared input ${path} does not exist`,
    );
    this.argv = argv;
    this.path = path;
  }
}

/** The program succeeded but did not leave a declared output file behind. */
export class CommandOutputMissingError extends WeftError {
  readonly argv: readonly string[];
  /** The missing output, absolute. */
  readonly path: string;
  constructor(argv: readonly string[], path: string) {
    super(
      'WEFT_COMMAND_OUTPUT_MISSING',
      `command ${formatArgv(argv)} exited with code 0 but did not write its declared output ${path}`,
    );
    this.argv = argv;
    this.path = path;
  }
}

const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

/** An argv as a shell would read it, cut at 200 characters: for messages only. */
export function formatArgv(argv: readonly string[]): string {
  const text = argv
    .map((a) => (PLAIN_WORD.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))
    .join(' ');
  return `\`${text.length > 200 ? `${text.slice(0, 197)}...` : text}\``;
}
