/**
 * @module
 * What a task needs to run (`{ cpus, memoryMb, gpus, ...custom }`) and what
 * an executor offers. The scheduler dispatches a ready task only when its
 * requirements fit in what is free, and refuses at submit a task that could
 * never fit.
 */
import { InvalidOptionError } from '../errors/run.ts';

/** What one task needs while it runs. Custom keys are allowed (`{ licenses: 1 }`). */
export interface Requirements {
  readonly cpus?: number;
  readonly memoryMb?: number;
  readonly gpus?: number;
  /**
   * MPI ranks: a command task's program runs as this many processes
   * (`mpirun -np`, or `srun -n` inside a Slurm job), each taking a cpu, so
   * the task's `cpus` are at least this many. A whole number from 1.
   */
  readonly ranks?: number;
  readonly [custom: string]: number | undefined;
}

/** Requirements as the scheduler uses them: parallel arrays of names and amounts. */
export interface CompiledRequirements {
  readonly names: readonly string[];
  readonly amounts: readonly number[];
  /** The same as a record, for events and the run store (with `ranks`, when given). */
  readonly record: Readonly<Record<string, number>>;
  /** MPI ranks, when given: not matched against capacity itself, but its cpus are. */
  readonly ranks?: number;
}

/** Validates and compiles requirements; `undefined` when the task needs nothing. */
export function compileRequirements(
  requirements: Requirements | undefined,
  task: string,
): CompiledRequirements | undefined {
  if (requirements === undefined) return undefined;
  if (typeof requirements !== 'object' || requirements === null) {
    throw new InvalidOptionError(`task ${task}: requirements must be an object like { cpus: 1 }`);
  }
  const names: string[] = [];
  const amounts: number[] = [];
  const ranks = requirements.ranks;
  if (ranks !== undefined && (!Number.isInteger(ranks) || ranks < 1)) {
    throw new InvalidOptionError(
      `task ${task}: requirement ranks (MPI ranks) must be a whole number from 1, got ${String(ranks)}`,
    );
  }
  for (const [name, amount] of Object.entries(requirements)) {
    if (name === 'ranks' || amount === undefined || amount === 0) continue;
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      throw new InvalidOptionError(
        `task ${task}: requirement ${name} must be a finite number >= 0, got ${String(amount)}`,
      );
    }
    names.push(name);
    amounts.push(amount);
  }
  if (ranks === undefined) return names.length === 0 ? undefined : requirementsOf(names, amounts);
  // Each rank is a process on a cpu of its own.
  const cpus = names.indexOf('cpus');
  if (cpus < 0) {
    names.push('cpus');
    amounts.push(ranks);
  } else amounts[cpus] = Math.max(amounts[cpus]!, ranks);
  const compiled = requirementsOf(names, amounts);
  return { ...compiled, record: Object.freeze({ ...compiled.record, ranks }), ranks };
}

/** Compiled requirements from parallel arrays of names and amounts. */
export function requirementsOf(
  names: readonly string[],
  amounts: readonly number[],
): CompiledRequirements {
  const record = Object.freeze(Object.fromEntries(names.map((n, i) => [n, amounts[i]!])));
  return { names, amounts, record };
}
