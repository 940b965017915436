/**
 * @module
 * `command(name | options, spec)`: a task that runs a program. The program
 * starts from an argv array (no shell unless asked for), with its declared
 * input and output files, environment and working directory, under the
 * task's timeout and cancellation; its result lists the output files, so
 * that other tasks (and commands) can take them as inputs.
 */

import { resolve } from 'node:path';
import { CommandFailedError, formatArgv } from '../errors/command.ts';
import { callerModule } from '../util/caller-module.ts';
import { COORDINATOR_VAR, coordinatorMark } from '../util/coordinator-marker.ts';
import { hashValue } from '../util/hash.ts';
import {
  type AnyArgs,
  defineTask,
  type Task,
  type TaskContext,
  type TaskFiles,
  type TaskOptions,
} from '../vocabulary/task.ts';
import { checkInputs, checkOutputs } from './files.ts';
import { mpiSpec } from './mpi.ts';
import { runProgram } from './spawn.ts';
import { type CommandSpec, type CompiledSpec, compileSpec } from './spec.ts';

export type { CommandSpec } from './spec.ts';

/** What a command task returns when its program succeeded. */
export interface CommandResult {
  /** 0, or another of the spec's `okExitCodes`. */
  readonly exitCode: number;
  /** Standard output as text: its last `maxOutputBytes` bytes. */
  readonly stdout: string;
  /** Standard error as text: its last `maxOutputBytes` bytes. */
  readonly stderr: string;
  /** The declared outputs, as absolute paths, in their declared order. */
  readonly outputs: readonly string[];
  /** Bytes of stdout dropped from its start to keep within `maxOutputBytes`; 0 when complete. */
  readonly stdoutDropped: number;
  /** Bytes of stderr dropped from its start to keep within `maxOutputBytes`; 0 when complete. */
  readonly stderrDropped: number;
}

/** A spec computed from a command task's arguments (futures already replaced by their values). */
export type CommandSpecFn<A extends AnyArgs> = (...args: A) => CommandSpec | Promise<CommandSpec>;

/**
 * Defines a task that runs a program. `spec` is the program (see
 * `CommandSpec`), or a function from the task's arguments to it. The task
 * returns `CommandResult`; it fails with `CommandFailedError` (non-zero exit,
 * death by a signal), `CommandNotFoundError`, `CommandInputMissingError` or
 * `CommandOutputMissingError`, and with `TimeoutError` when its timeout kills it.
 * @example
 * export const sort = command('sort', (src: string) => ({
 *   argv: ['sort', '-o', `${src}.sorted`, src],
 *   inputs: [src],
 *   outputs: [`${src}.sorted`],
 * }));
 * export const count = command({ name: 'count', timeout: '1m' }, (sorted: CommandResult) => ({
 *   argv: ['wc', '-l', sorted.outputs[0]!],
 *   inputs: [sorted.outputs[0]!],
 * }));
 * const lines = await run(() => submit(count, submit(sort, 'words.txt')));
 * lines.stdout; // '42 /abs/words.txt.sorted\n'
 */
export function command(
  nameOrOptions: string | CommandOptions,
  spec: CommandSpec,
): Task<[], CommandResult>;
export function command<A extends AnyArgs>(
  nameOrOptions: string | CommandOptions,
  spec: CommandSpecFn<A>,
): Task<A, CommandResult>;
export function command(
  nameOrOptions: string | CommandOptions,
  spec: CommandSpec | CommandSpecFn<AnyArgs>,
): Task<AnyArgs, CommandResult> {
  let compiled: CompiledSpec | undefined;
  const given: CommandOptions =
    typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  const options = withRanks(given);
  // A fixed spec is what decides the result: it is the task's version (for
  // the cache), not the module it is written in, so that editing the
  // workflow file elsewhere keeps its cached results.
  const version =
    options?.version ?? (typeof spec === 'function' ? undefined : specVersion(spec as CommandSpec));
  // MPI ranks of the definition (a variant's own requirements do not change how it starts).
  let ranks = 0;
  const defined = defineTask(
    version === undefined || typeof options !== 'object' || options === null
      ? options
      : { ...options, version },
    typeof spec === 'function'
      ? async (ctx: TaskContext, ...args: AnyArgs) =>
          runCommand(ctx, compileSpec(await spec(...args), ctx.name), ranks)
      : (ctx: TaskContext) => runCommand(ctx, compiled!, ranks),
    // A worker imports the task from command()'s caller, not from this module.
    callerModule(command),
    (args) => filesOf(typeof spec === 'function' ? spec : () => spec, args),
    // A fixed spec that declares outputs is cached unless it says not to; a
    // spec function only with cache: true (it is called once more, for the key).
    typeof spec !== 'function' && Array.isArray(spec?.outputs) && spec.outputs.length > 0,
  );
  if (typeof spec !== 'function') compiled = compileSpec(spec, defined.name);
  ranks = defined.options.requirements?.ranks ?? 0;
  return defined;
}

/** Options of `command()`: a task's, and `ranks` to run the program as MPI ranks. */
export interface CommandOptions extends TaskOptions {
  /**
   * Runs the program as this many MPI ranks (`mpirun -np`, `srun -n` inside
   * a Slurm job): the same as `requirements: { ranks }`; the task takes as
   * many cpus. @default none: one process, no MPI launcher
   */
  readonly ranks?: number;
}

/** `ranks` moved into the requirements, where the scheduler and executors see it. */
function withRanks(options: CommandOptions): TaskOptions {
  if (typeof options !== 'object' || options === null || options.ranks === undefined) {
    return options;
  }
  const { ranks, ...rest } = options;
  return { ...rest, requirements: { ...rest.requirements, ranks } };
}

/** A hash of a fixed spec's content, or undefined when it cannot be hashed. */
function specVersion(spec: CommandSpec): string | undefined {
  const hash = hashValue(spec);
  return hash === undefined ? undefined : `spec:${hash}`;
}

async function runCommand(
  ctx: TaskContext,
  program: CompiledSpec,
  ranks: number,
): Promise<CommandResult> {
  const spec = ranks > 0 ? mpiSpec(program, ranks) : program;
  const cwd = spec.cwd === undefined ? process.cwd() : resolve(spec.cwd);
  const inputs = spec.inputs.map((p) => resolve(cwd, p));
  const outputs = spec.outputs.map((p) => resolve(cwd, p));
  await checkInputs(spec.argv, inputs);
  const log = ctx.log;
  const exit = await runProgram(
    {
      file: spec.file,
      args: spec.args,
      argv: spec.argv,
      cwd,
      env: environment(spec),
      killGraceMs: spec.killGraceMs,
      maxOutputBytes: spec.maxOutputBytes,
      onLine: spec.logOutput ? (stream, line) => log.debug(line, { stream }) : undefined,
      onStart: (pid) => log.debug(`started ${formatArgv(spec.argv)}`, { pid, cwd }),
      onDebug: (message) => log.debug(message),
    },
    ctx.signal,
  );
  if (exit.exitCode === null || !spec.okExitCodes.includes(exit.exitCode)) {
    throw new CommandFailedError(spec.argv, exit.exitCode, exit.signal, tailOf(exit.stderr));
  }
  await checkOutputs(spec.argv, outputs);
  return {
    exitCode: exit.exitCode,
    stdout: exit.stdout,
    stderr: exit.stderr,
    outputs,
    stdoutDropped: exit.stdoutDropped,
    stderrDropped: exit.stderrDropped,
  };
}

/**
 * The files of a submission, for the cache: only from a spec known without
 * waiting (a spec function that returns a promise is not cacheable) and
 * only when it declares outputs.
 */
function filesOf(spec: CommandSpecFn<AnyArgs>, args: readonly unknown[]): TaskFiles | undefined {
  let s: CommandSpec | Promise<CommandSpec>;
  try {
    s = spec(...args);
  } catch {
    return undefined;
  }
  if (typeof (s as Promise<unknown>)?.then === 'function') return undefined;
  const plain = s as CommandSpec;
  if (!Array.isArray(plain?.outputs) || plain.outputs.length === 0) return undefined;
  const cwd = typeof plain.cwd === 'string' ? resolve(plain.cwd) : process.cwd();
  return {
    inputs: (plain.inputs ?? []).map((p) => resolve(cwd, p)),
    outputs: plain.outputs.map((p) => resolve(cwd, p)),
  };
}

/**
 * The program's environment; undefined for the weft process's own, unchanged
 * (the launcher adds the coordinator's mark). An inherited environment
 * carries the mark; one given whole (`inheritEnv: false`) is kept exact.
 */
function environment(spec: CompiledSpec): NodeJS.ProcessEnv | undefined {
  if (spec.env === undefined) return spec.inheritEnv ? undefined : {};
  const env: NodeJS.ProcessEnv = spec.inheritEnv
    ? { ...process.env, [COORDINATOR_VAR]: coordinatorMark() }
    : {};
  for (const [key, value] of Object.entries(spec.env)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

const TAIL_LINES = 20;
const TAIL_CHARS = 2000;

/** The last lines of stderr, for an error message. */
function tailOf(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
  return lines.length <= TAIL_CHARS ? lines : `...${lines.slice(-TAIL_CHARS)}`;
}
