/**
 * @module
 * Up to date or not, and why: a job is up to date when none of its needs
 * runs in this build and its record says it was built from what it would
 * be built from now. That is the cache key weft's cache uses, part by
 * part (`taskVersion`'s code: the function's source and its module's
 * local import graph, or a command's spec; the params; the content of
 * each input file; the value of each named state it needs), plus its
 * outputs still holding what the step wrote. The first part that differs
 * is the reason it runs.
 */
import type { CommandSpec } from '../../command/command.ts';
import { TargetRuleError } from '../../errors/targets.ts';
import { loadedModuleGraph } from '../../executor/pool/module-graph.ts';
import type { BuildLog, TargetRecord } from './build-log.ts';
import type { FileState } from './file-state.ts';
import { shortHash } from './files.ts';
import { BUILT, FRESH, type JobTable, STALE, UNKNOWN } from './jobs.ts';
import type { WildcardValues } from './model.ts';
import type { RuleImpl } from './rule.ts';
import { inputOf } from './step.ts';

/** Why a job runs. */
export const Reason = {
  NEW: 1,
  FORCED: 2,
  ALWAYS: 3,
  UPSTREAM: 4,
  CODE: 5,
  MODULE: 6,
  COMMAND: 7,
  PARAMS: 8,
  NEEDS: 9,
  INPUT: 10,
  STATE: 11,
  OUTPUT_MISSING: 12,
  OUTPUT_CHANGED: 13,
  UNHASHABLE: 14,
  IMPLEMENTATION: 15,
} as const;

/** Reasons as words, by code (detail in `$`). */
const TEXT: readonly string[] = [
  'up to date',
  'never built',
  'forced',
  'it always runs',
  'it needs $, which runs first',
  'its code changed',
  'its module (or a module it imports) changed',
  'its command changed',
  'its params changed',
  'its needs changed ($)',
  'input $ changed',
  'state $ changed',
  'output $ is missing',
  'output $ changed since it was built',
  'its $ cannot be hashed',
  'the coordinates chose another implementation ($)',
];

/** Reasons without a detail, made once. */
const BARE = TEXT.map((t) => t.replace(' ($)', ''));

/** The reason as a phrase: `input reads/a.fq changed`. */
export function reasonText(reason: number, detail: string | undefined): string {
  if (detail === undefined) return BARE[reason] ?? 'unknown';
  return (TEXT[reason] ?? 'unknown $').replace('$', detail);
}

/** What the check reads of the planner. */
export interface CheckHost {
  readonly jobs: JobTable;
  readonly log: BuildLog;
  readonly files: FileState;
  isState(j: number): boolean;
  forced(j: number): boolean;
  wildcardsOf(j: number): WildcardValues;
  paramsOf(j: number): unknown;
  outputsOf(j: number): readonly string[];
  /** A named state's value (the job is fresh or built). */
  valueOf(j: number): unknown;
  /** The hash of a named state's value (the job is fresh or built). */
  valueHashOf(j: number): string;
  argsHashOf(j: number): string | undefined;
}

/** A job's verdict: a reason (0: up to date), a detail, and for a job that runs only for an input, its record. */
export interface Verdict {
  readonly reason: number;
  readonly detail?: string;
  readonly record?: TargetRecord;
}

const FRESH_VERDICT: Verdict = { reason: 0 };
const NEW_VERDICT: Verdict = { reason: Reason.NEW };

/** The code part of an implementation's key: explicit version, or its function's source and module graph. */
export function codeOf(impl: RuleImpl): { code: string; module: string } | undefined {
  const known = codes.get(impl);
  if (known !== undefined || codes.has(impl)) return known;
  let code: { code: string; module: string } | undefined;
  if (impl.version !== undefined) code = { code: shortHash(`v:${impl.version}`), module: '' };
  else if (impl.code.run === undefined)
    code = { code: '', module: '' }; // a command's code is its spec
  else {
    try {
      const url = impl.rule.module;
      const graph = url === undefined ? undefined : loadedModuleGraph(url);
      code =
        graph !== undefined && (graph.missing.length > 0 || graph.unlexed.length > 0)
          ? undefined
          : {
              code: shortHash(impl.code.run.toString()),
              module: graph === undefined ? '' : graph.hash.slice(0, 16),
            };
    } catch {
      code = undefined;
    }
  }
  codes.set(impl, code);
  return code;
}
const codes = new WeakMap<RuleImpl, { code: string; module: string } | undefined>();

/** The command a job runs (its spec), when it can be known before it runs; undefined otherwise. */
export function commandOf(host: CheckHost, j: number): CommandSpec | undefined {
  const impl = host.jobs.impl[j]!;
  const command = impl.code.command;
  if (command === undefined) return undefined;
  if (typeof command !== 'function') return command as CommandSpec;
  const jobs = host.jobs;
  const start = jobs.depStart[j]!;
  const needs = staticNeeds(jobs, j);
  const values: Record<string, unknown> = {};
  for (let k = 0; k < needs.length; k++) {
    const d = jobs.deps[start + k]!;
    if (d >= 0 && host.isState(d)) {
      if (jobs.status[d] !== FRESH && jobs.status[d] !== BUILT) return undefined;
      values[needs[k]!] = host.valueOf(d);
    }
  }
  const target = jobs.target[j]!;
  let spec: unknown;
  try {
    spec = (command as (ctx: unknown) => unknown)({
      target,
      wildcards: host.wildcardsOf(j),
      input: inputOf(needs, jobs.shape[j]!),
      output: host.outputsOf(j),
      params: host.paramsOf(j),
      value: (t: string) => (Object.hasOwn(values, t) ? values[t] : t),
    });
  } catch (cause) {
    throw new TargetRuleError(
      impl.rule.name,
      `its command function threw for ${JSON.stringify(target)}: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
  // A spec that needs to wait (a promise) is known only when the step runs.
  if (typeof (spec as Promise<unknown>)?.then === 'function') return undefined;
  return spec as CommandSpec;
}

/** A job's needs as its rule gives them (without those its step asked for). */
export function staticNeeds(jobs: JobTable, j: number): readonly string[] {
  const needs = jobs.needs[j]!;
  const n = jobs.statics[j]!;
  return n === needs.length ? needs : needs.slice(0, n);
}

/** Whether job `j` (whose needs are all decided) is up to date, and if not why. */
export function check(host: CheckHost, j: number): Verdict {
  const jobs = host.jobs;
  if (host.forced(j)) return { reason: Reason.FORCED };
  const needs = jobs.needs[j]!;
  const start = jobs.depStart[j]!;
  const statics = jobs.statics[j]!;
  let upstream = -1;
  /** A need that runs reaches the step other than as a file it stamps. */
  let unseen = false;
  for (let k = 0; k < needs.length; k++) {
    const d = jobs.deps[start + k]!;
    if (d >= 0 && jobs.status[d] === STALE) {
      if (upstream < 0) upstream = k;
      if (k >= statics || host.isState(d)) unseen = true;
    }
  }
  const target = jobs.target[j]!;
  const record = host.log.target(target);
  if (record === undefined) return NEW_VERDICT;
  if (upstream >= 0) {
    const detail = needs[upstream]!;
    // Recorded, built from the same code and params, and only files it stamps run: the
    // step may find them unchanged (a state's value, or what it asks for, it cannot compare).
    const same = !unseen && !jobs.impl[j]!.rule.always && sameRecipe(host, j, record).reason === 0;
    return same ? { reason: Reason.UPSTREAM, detail, record } : { reason: Reason.UPSTREAM, detail };
  }
  if (jobs.impl[j]!.rule.always) return { reason: Reason.ALWAYS };
  const recipe = sameRecipe(host, j, record);
  if (recipe.reason !== 0) return recipe;
  for (let k = 0; k < needs.length; k++) {
    const d = jobs.deps[start + k]!;
    const name = needs[k]!;
    if (d === UNKNOWN) {
      return {
        reason: Reason.NEEDS,
        detail: `${name}, which it asked for when it last ran, cannot be made now`,
      };
    }
    if (d >= 0 && host.isState(d)) {
      if (host.valueHashOf(d) !== record.hashes[k]) return { reason: Reason.STATE, detail: name };
    } else if (host.files.hash(name) !== record.hashes[k]) {
      return { reason: Reason.INPUT, detail: name };
    }
  }
  const outputs = host.outputsOf(j);
  for (let k = 0; k < outputs.length; k++) {
    const h = host.files.hash(outputs[k]!);
    if (h === undefined) return { reason: Reason.OUTPUT_MISSING, detail: outputs[k]! };
    if (h !== record.outputs[k]) return { reason: Reason.OUTPUT_CHANGED, detail: outputs[k]! };
  }
  return FRESH_VERDICT;
}

/** Whether the job's code, params and list of needs are those of its record. */
function sameRecipe(host: CheckHost, j: number, record: TargetRecord): Verdict {
  const jobs = host.jobs;
  const impl = jobs.impl[j]!;
  if (impl.label !== record.impl) {
    const was = record.impl === '' ? 'a rule with one implementation' : record.impl;
    return {
      reason: Reason.IMPLEMENTATION,
      detail: `${impl.label || 'its only one'}; it was built by ${was}`,
    };
  }
  const code = codeOf(impl);
  if (code === undefined)
    return { reason: Reason.UNHASHABLE, detail: 'code (a module it imports cannot be read)' };
  if (impl.code.run === undefined && impl.version === undefined) {
    const spec = commandOf(host, j);
    if (spec === undefined || shortHash(JSON.stringify(spec)) !== record.code)
      return { reason: Reason.COMMAND };
  } else {
    if (code.code !== record.code) return { reason: Reason.CODE };
    if (code.module !== record.module) return { reason: Reason.MODULE };
  }
  const args = host.argsHashOf(j);
  if (args === undefined) return { reason: Reason.UNHASHABLE, detail: 'params' };
  if (args !== record.args) return { reason: Reason.PARAMS };
  const needs = jobs.needs[j]!;
  if (needs.length !== record.needs.length || needs.some((n, k) => n !== record.needs[k])) {
    return { reason: Reason.NEEDS, detail: needsChange(needs, record.needs) };
  }
  return FRESH_VERDICT;
}

function needsChange(now: readonly string[], then: readonly string[]): string {
  const added = now.find((n) => !then.includes(n));
  if (added !== undefined) return `now needs ${added}`;
  const gone = then.find((n) => !now.includes(n));
  if (gone !== undefined) return `no longer needs ${gone}`;
  return 'in another order';
}
