/**
 * @module
 * What is known of a plan's jobs, beside how they were found: the job
 * table, the build's records and files, the coordinates, and per job its
 * wildcards, params, outputs, a named state's value and hash, why it runs.
 * The freshness check and the driver read jobs through it; the planner
 * (which extends it) finds them.
 */
import { describeValue } from '../../errors/base.ts';
import { TargetRuleError } from '../../errors/targets.ts';
import { type BuildLog, deserializeValue, type TargetRecord } from './build-log.ts';
import type { CoordinateSet } from './coordinates.ts';
import type { FileState } from './file-state.ts';
import { shortHash, valueHash } from './files.ts';
import type { CheckHost } from './freshness.ts';
import { JobTable } from './jobs.ts';
import type { NextTargets, WildcardValues } from './model.ts';
import { expandPattern } from './pattern.ts';
import type { CompiledRule } from './rule.ts';

export const NO_WILDCARDS: WildcardValues = Object.freeze({});

export class JobFacts implements CheckHost {
  readonly jobs = new JobTable();
  readonly log: BuildLog;
  readonly files: FileState;
  readonly coordinates: CoordinateSet;
  /** For jobs that run only because a need runs: their records (the step may skip itself). */
  readonly records = new Map<number, TargetRecord>();
  /** The detail of each job's reason (`reads/a.fq` for "input reads/a.fq changed"). */
  protected readonly detail = new Map<number, string>();
  /** Jobs built even when up to date. */
  protected readonly forcedJobs = new Set<number>();
  readonly #params = new Map<number, unknown>();
  /** Named states' values: recorded ones (decoded when first asked for) and built ones. */
  readonly #values = new Map<number, unknown>();

  constructor(log: BuildLog, files: FileState, coordinates: CoordinateSet) {
    this.log = log;
    this.files = files;
    this.coordinates = coordinates;
  }

  /** The detail of a job's reason (`reads/a.fq` for "input reads/a.fq changed"). */
  detailOf(j: number): string | undefined {
    return this.detail.get(j);
  }

  isState(j: number): boolean {
    return this.jobs.impl[j]!.rule.kind === 'state';
  }

  forced(j: number): boolean {
    return this.forcedJobs.has(j);
  }

  wildcardsOf(j: number): WildcardValues {
    const rule = this.jobs.impl[j]!.rule;
    return rule.names.length === 0 ? NO_WILDCARDS : wildcards(rule, this.jobs.values[j]!);
  }

  paramsOf(j: number): unknown {
    const impl = this.jobs.impl[j]!;
    if (impl.params === undefined) return undefined;
    if (this.#params.has(j)) return this.#params.get(j);
    let params: unknown;
    try {
      params = impl.params(this.wildcardsOf(j), this.coordinates.values);
    } catch (cause) {
      throw new TargetRuleError(
        impl.rule.name,
        `its params function threw for ${JSON.stringify(this.jobs.target[j])}: ${describeError(cause)}`,
        { cause },
      );
    }
    this.#params.set(j, params);
    return params;
  }

  outputsOf(j: number): readonly string[] {
    const rule = this.jobs.impl[j]!.rule;
    if (rule.kind === 'state') return [];
    if (rule.outputs.length === 1) return [this.jobs.target[j]!];
    const values = this.jobs.values[j]!;
    return rule.outputs.map((p) => expandPattern(p, values));
  }

  valueOf(j: number): unknown {
    if (this.#values.has(j)) return this.#values.get(j);
    const record = this.log.target(this.jobs.target[j]!);
    const value =
      record === undefined || record.value === '' ? undefined : deserializeValue(record.value);
    this.#values.set(j, value);
    return value;
  }

  valueHashOf(j: number): string {
    return this.log.target(this.jobs.target[j]!)?.valueHash ?? '';
  }

  argsHashOf(j: number): string | undefined {
    const params = this.paramsOf(j);
    // Without params it is all strings: JSON says it exactly, and costs less than a clone.
    if (params === undefined)
      return shortHash(JSON.stringify([this.jobs.values[j], this.outputsOf(j)]));
    return valueHash([this.jobs.values[j], params, this.outputsOf(j)]);
  }

  /** Records the value a state's step returned in this build. */
  setValue(j: number, value: unknown): void {
    this.#values.set(j, value);
  }

  /** What a rule's `next` makes of job `j`'s value: the targets to plan next (coordinates added). */
  nextOf(j: number): readonly string[] {
    const rule = this.jobs.impl[j]!.rule;
    const by = `the next of rule ${rule.name} (for ${JSON.stringify(this.jobs.target[j])})`;
    let next: NextTargets | undefined;
    try {
      next = rule.next!(this.valueOf(j), this.coordinates.values);
    } catch (cause) {
      throw new TargetRuleError(rule.name, `its next function threw: ${describeError(cause)}`, {
        cause,
      });
    }
    if (next === undefined) return [];
    if (typeof next !== 'object' || next === null) {
      throw new TargetRuleError(
        rule.name,
        `its next function returned ${describeValue(next)}: expected { targets, coordinates }`,
      );
    }
    this.coordinates.add(next.coordinates, by);
    const targets = next.targets ?? [];
    if (!Array.isArray(targets) || targets.some((t) => typeof t !== 'string' || t === '')) {
      throw new TargetRuleError(
        rule.name,
        `its next function returned targets ${describeValue(targets)}: expected an array of target names`,
      );
    }
    return targets;
  }
}

export function wildcards(rule: CompiledRule, values: readonly string[]): WildcardValues {
  const w: Record<string, string> = {};
  for (let k = 0; k < rule.names.length; k++) w[rule.names[k]!] = values[k]!;
  return w;
}

export function describeError(cause: unknown): string {
  return cause instanceof Error ? cause.message : describeValue(cause);
}
