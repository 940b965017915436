/**
 * @module
 * What a command task runs (`CommandSpec`), validated and compiled once into
 * the form the runner uses: the program file and its arguments, with every
 * default filled in. Paths stay as written; they are resolved when the
 * command runs, against its working directory.
 */
import { InvalidOptionError } from '../errors/run.ts';
import { type Duration, parseDuration } from '../util/duration.ts';

/** The program a command task runs, with its files and its environment. */
export interface CommandSpec {
  /**
   * The program and its arguments, passed as they are: no shell, no
   * splitting, no globbing. `argv[0]` is looked up on `PATH` unless it
   * contains a `/`. With `shell`, `argv` is a script (see `shell`).
   */
  readonly argv: string | readonly string[];
  /**
   * Files the program reads. Each must exist when the command is about to
   * start, or the task fails with `CommandInputMissingError` without running it.
   * Relative paths are resolved against `cwd`.
   */
  readonly inputs?: readonly string[];
  /**
   * Files the program writes. Each must exist when it exits, or the task
   * fails with `CommandOutputMissingError`. The result lists them, absolute,
   * so that downstream tasks can read them. Relative paths are resolved against `cwd`.
   */
  readonly outputs?: readonly string[];
  /** Variables for the program; `undefined` removes an inherited one. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Whether `env` is laid over the environment of the weft process (true) or
   * is the program's whole environment (false).
   * @default true
   */
  readonly inheritEnv?: boolean;
  /** The working directory; relative paths are resolved against the process's. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Run `argv` through a POSIX shell: `true` for `/bin/sh`, or the shell to
   * use (`'bash'`). `argv` is then either one string, the script, or an
   * array whose first element is the script and whose other elements are
   * its positional parameters `$1`, `$2`, ...: they are passed as they are,
   * never parsed by the shell, so `['cp "$1" "$2"', src, dest]` is safe for
   * any file names. The shell is started as `<shell> -c <script> <shell> $1 $2 ...`.
   * @default false
   */
  readonly shell?: boolean | string;
  /** Exit codes that mean success (`grep` exits 1 when it finds nothing). @default [0] */
  readonly okExitCodes?: readonly number[];
  /**
   * On timeout or cancellation the program gets SIGTERM, then SIGKILL if it
   * is still running after this long. Only the program itself is signalled,
   * not processes it started: a shell script should `exec` its last command.
   * @default '5s'
   */
  readonly killGrace?: Duration;
  /**
   * Bytes kept of each of stdout and stderr: a program that writes more
   * keeps its last `maxOutputBytes`, and the result counts what was dropped.
   * @default 1048576 (1 MiB)
   */
  readonly maxOutputBytes?: number;
  /**
   * Whether each line the program writes is also logged through the task's
   * `ctx.log` at debug level (with a `stream` field), up to `maxOutputBytes`.
   * @default true
   */
  readonly logOutput?: boolean;
}

/** A spec as the runner uses it: validated, defaults filled in. */
export interface CompiledSpec {
  /** The program to start. */
  readonly file: string;
  /** Its arguments (without the program). */
  readonly args: readonly string[];
  /** The whole command line, for messages: `[file, ...args]`. */
  readonly argv: readonly string[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  readonly inheritEnv: boolean;
  readonly cwd: string | undefined;
  readonly okExitCodes: readonly number[];
  readonly killGraceMs: number;
  readonly maxOutputBytes: number;
  readonly logOutput: boolean;
}

const KEYS: ReadonlySet<string> = new Set([
  'argv',
  'inputs',
  'outputs',
  'env',
  'inheritEnv',
  'cwd',
  'shell',
  'okExitCodes',
  'killGrace',
  'maxOutputBytes',
  'logOutput',
]);
const OK_EXIT_CODES: readonly number[] = [0];
const NONE: readonly string[] = [];

/** Validates a spec; throws `InvalidOptionError` naming the task and the field at fault. */
export function compileSpec(spec: CommandSpec, task: string): CompiledSpec {
  const bad = (message: string): InvalidOptionError =>
    new InvalidOptionError(`command ${task}: ${message}`);
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw bad(`the spec must be an object like { argv: ['prog', 'arg'] }, got ${typeof spec}`);
  }
  for (const key of Object.keys(spec)) {
    if (!KEYS.has(key))
      throw bad(`unknown spec field "${key}"; the fields are ${[...KEYS].join(', ')}`);
  }
  const shell = spec.shell ?? false;
  if (typeof shell !== 'boolean' && (typeof shell !== 'string' || shell === '')) {
    throw bad('shell must be true, false or the name of a shell');
  }
  const argv = typeof spec.argv === 'string' && shell !== false ? [spec.argv] : spec.argv;
  if (typeof argv === 'string') {
    throw bad(
      'argv is a string; pass an array (["prog", "arg"], run without a shell), or set shell: true',
    );
  }
  strings(argv, 'argv', bad);
  if (argv.length === 0 || argv[0] === '') throw bad('argv must start with a non-empty program');
  let file: string;
  let args: readonly string[];
  if (shell === false) {
    file = argv[0]!;
    args = argv.slice(1);
  } else {
    file = shell === true ? '/bin/sh' : shell;
    args = ['-c', argv[0]!, file, ...argv.slice(1)];
  }
  const env = spec.env;
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null || Array.isArray(env)) {
      throw bad('env must be an object of strings');
    }
    for (const [k, v] of Object.entries(env)) {
      if (v !== undefined && typeof v !== 'string') {
        throw bad(`env.${k} must be a string (or undefined to remove it), got ${typeof v}`);
      }
    }
  }
  if (spec.cwd !== undefined && (typeof spec.cwd !== 'string' || spec.cwd === '')) {
    throw bad('cwd must be a non-empty string');
  }
  const okExitCodes = spec.okExitCodes ?? OK_EXIT_CODES;
  if (!Array.isArray(okExitCodes) || !okExitCodes.every((c) => Number.isInteger(c))) {
    throw bad('okExitCodes must be an array of whole numbers');
  }
  const maxOutputBytes = spec.maxOutputBytes ?? 1 << 20;
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 0) {
    throw bad(`maxOutputBytes must be a whole number >= 0, got ${String(maxOutputBytes)}`);
  }
  return {
    file,
    args,
    argv: [file, ...args],
    inputs: spec.inputs === undefined ? NONE : strings(spec.inputs, 'inputs', bad),
    outputs: spec.outputs === undefined ? NONE : strings(spec.outputs, 'outputs', bad),
    env,
    inheritEnv: flag(spec.inheritEnv, true, 'inheritEnv', bad),
    cwd: spec.cwd,
    okExitCodes,
    killGraceMs:
      spec.killGrace === undefined
        ? 5000
        : parseDuration(spec.killGrace, `command ${task}: killGrace`),
    maxOutputBytes,
    logOutput: flag(spec.logOutput, true, 'logOutput', bad),
  };
}

function strings(value: unknown, what: string, bad: (message: string) => Error): readonly string[] {
  if (!Array.isArray(value)) throw bad(`${what} must be an array of strings`);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'string') throw bad(`${what}[${i}] must be a string, got ${typeof v}`);
    if (v.includes('\0')) throw bad(`${what}[${i}] contains a NUL character`);
    if (what !== 'argv' && v === '') throw bad(`${what}[${i}] is an empty path`);
  }
  return value;
}

function flag(
  value: unknown,
  fallback: boolean,
  what: string,
  bad: (message: string) => Error,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw bad(`${what} must be true or false`);
  return value;
}
