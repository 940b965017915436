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
  readonly [custom: string]: number | undefined;
}

/** Requirements as the scheduler uses them: parallel arrays of names and amounts. */
export interface CompiledRequirements {
  readonly names: readonly string[];
  readonly amounts: readonly number[];
  /** The same as a record, for events and the run store. */
  readonly record: Readonly<Record<string, number>>;
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
  for (const [name, amount] of Object.entries(requirements)) {
    if (amount === undefined || amount === 0) continue;
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      throw new InvalidOptionError(
        `task ${task}: requirement ${name} must be a finite number >= 0, got ${String(amount)}`,
      );
    }
    names.push(name);
    amounts.push(amount);
  }
  return names.length === 0 ? undefined : requirementsOf(names, amounts);
}

/** Compiled requirements from parallel arrays of names and amounts. */
export function requirementsOf(
  names: readonly string[],
  amounts: readonly number[],
): CompiledRequirements {
  const record = Object.freeze(Object.fromEntries(names.map((n, i) => [n, amounts[i]!])));
  return { names, amounts, record };
}
