/**
 * @module
 * A task's job as sbatch options: its requirements mapped to Slurm's (cpus
 * to `--cpus-per-task`, MPI ranks to `--ntasks`, memoryMb to `--mem`, gpus
 * to `--gres=gpu:N`, its timeout to `--time`), then the sbatch options the
 * mode's config, the config for its name and its definition
 * (`withSbatch`) pass through, later ones winning. weft sets the options
 * that tie a job to its task itself, so those cannot be passed.
 */
import type { Task } from '@weft/core';
import type { CompiledTaskOptions } from '@weft/core/executor';
import { SlurmOptionsError } from './errors.ts';

/** sbatch options by their long names, without dashes: `{ partition: 'gpu', exclusive: true }`. */
export type SbatchOptions = Readonly<Record<string, string | number | boolean>>;

/** Options weft sets itself for every job. */
const OWN = new Set([
  'array',
  'dependency',
  'output',
  'error',
  'wrap',
  'parsable',
  'chdir',
  'job-name',
  'kill-on-invalid-dep',
]);

/** Checks sbatch options given under `where`; returns them. */
export function checkSbatchOptions(options: unknown, where: string): SbatchOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SlurmOptionsError(
      `slurm executor: ${where} must be an object of sbatch options, like { partition: 'debug' }`,
    );
  }
  for (const [key, value] of Object.entries(options)) {
    if (!/^[a-z][a-z0-9-]*$/.test(key)) {
      throw new SlurmOptionsError(
        `slurm executor: ${where}.${key}: sbatch options are given by their long names in lowercase (partition, mem-per-cpu, ...)`,
      );
    }
    if (OWN.has(key)) {
      throw new SlurmOptionsError(`slurm executor: ${where}.${key}: weft sets --${key} itself`);
    }
    const ok =
      typeof value === 'string'
        ? !/[\n\0]/.test(value)
        : typeof value === 'number'
          ? Number.isFinite(value)
          : typeof value === 'boolean';
    if (!ok) {
      throw new SlurmOptionsError(
        `slurm executor: ${where}.${key} must be a string, a number or true, not ${JSON.stringify(value)}`,
      );
    }
  }
  return Object.freeze({ ...(options as SbatchOptions) });
}

const perTask = new WeakMap<object, SbatchOptions>();
const perName = new Map<string, SbatchOptions>();

/**
 * Gives a task's jobs these sbatch options (a partition, a constraint, an
 * account); returns the task, so it wraps a definition.
 * @example
 * export const align = withSbatch(task('align', alignReads), { partition: 'gpu', constraint: 'a100' });
 */
export function withSbatch<T extends Task>(task: T, options: SbatchOptions): T {
  const checked = checkSbatchOptions(options, `withSbatch(${task.name})`);
  perTask.set(task.options as object, checked);
  perName.set(task.name, checked);
  return task;
}

/** The sbatch options of `options`' task definition (by its compiled options, else its name). */
function ownOptions(options: CompiledTaskOptions): SbatchOptions | undefined {
  return perTask.get(options as object) ?? perName.get(options.name);
}

/** Turns sbatch options into arguments: `--partition=debug`, `--exclusive`. */
export function toArgs(options: SbatchOptions): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (value === false) continue;
    args.push(value === true ? `--${key}` : `--${key}=${String(value)}`);
  }
  return args;
}

/** The sbatch options of a task's job: requirements, then what is passed through. */
export function jobOptions(
  options: CompiledTaskOptions,
  base: SbatchOptions,
  byName: Readonly<Record<string, SbatchOptions>>,
): SbatchOptions {
  const out: Record<string, string | number | boolean> = {};
  const req = options.requirements?.record ?? {};
  const ranks = options.requirements?.ranks;
  const cpus = Math.max(1, Math.ceil(req.cpus ?? 1));
  if (ranks !== undefined) {
    out.ntasks = ranks;
    out['cpus-per-task'] = Math.max(1, Math.ceil(cpus / ranks));
  } else out['cpus-per-task'] = cpus;
  if (req.memoryMb !== undefined) out.mem = `${Math.ceil(req.memoryMb)}M`;
  if (req.gpus !== undefined) out.gres = `gpu:${Math.ceil(req.gpus)}`;
  // Slurm's limit backs up weft's own timer, which ends the attempt first.
  if (options.timeoutMs > 0) out.time = Math.ceil(options.timeoutMs / 60_000) + 1;
  return { ...out, ...base, ...byName[options.name], ...ownOptions(options) };
}

/** Requirements Slurm has an option for; another makes the task refused. */
export const KNOWN_REQUIREMENTS: ReadonlySet<string> = new Set(['cpus', 'memoryMb', 'gpus']);
