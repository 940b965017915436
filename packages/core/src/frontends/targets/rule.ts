/**
 * @module
 * `rule(outputs, spec)` and `state(name, spec)`: rules named after what
 * they make. A rule makes files (patterns with wildcards:
 * `'aligned/{sample}.bam'`); a state rule makes a named state (a stable
 * name, `'env.created'`), whose value is what its step returns. A rule
 * says what it needs (targets, from its wildcards and the coordinates),
 * what its step does (a function, or a command spec as `command()` takes),
 * and may have several implementations, chosen by coordinates.
 *
 * Each implementation's step is a task, defined here on behalf of the
 * module that called `rule()` and carried by the rule (under
 * `Symbol.for('weft.tasks')`), so that a worker that imports that module
 * finds it among its exports by name, like any task: export your rules.
 */
import type { CommandSpec } from '../../command/command.ts';
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import { TargetWildcardError } from '../../errors/targets.ts';
import { callerModule } from '../../util/caller-module.ts';
import { defineTask, type Task, type TaskOptions } from '../../vocabulary/task.ts';
import { type Condition, compileCondition } from './coordinates.ts';
import type { Coordinates, NeedsValue, NextTargets, StepCode, WildcardValues } from './model.ts';
import { type CompiledNeeds, compileNeeds } from './needs.ts';
import { compilePattern, type Pattern, type Wildcards } from './pattern.ts';
import { runStep, type StepContext } from './step.ts';

/** What a rule needs: targets, or a function of its wildcards and the coordinates that gives them. */
export type Needs<W extends string> =
  | NeedsValue
  | ((wildcards: WildcardValues<W>, coordinates: Coordinates) => NeedsValue);

/** The task options a rule's step takes (its name is the rule's). */
export type StepOptions = Pick<
  TaskOptions,
  'retries' | 'backoff' | 'timeout' | 'requirements' | 'priority' | 'resources' | 'version'
>;

/** One way of making a rule's targets. */
export interface Implementation<W extends string, P = unknown, V = unknown> extends StepOptions {
  /** What the step needs; strings are patterns, filled in with the wildcards. @default nothing */
  readonly needs?: Needs<W>;
  /** Values for the step (`ctx.params`), or a function of the wildcards and coordinates giving them. */
  readonly params?: P | ((wildcards: WildcardValues<W>, coordinates: Coordinates) => P);
  /** The step as a function. Either this or `command`. */
  readonly run?: (ctx: StepContext<W, P>) => V | Promise<V>;
  /** The step as a program to run: a command spec, or a function of the step's context giving one. */
  readonly command?: CommandSpec | ((ctx: StepContext<W, P>) => CommandSpec | Promise<CommandSpec>);
}

/** An implementation among several: selected when its condition holds for the coordinates. */
export interface Variant<W extends string, P = unknown, V = unknown>
  extends Implementation<W, P, V> {
  /** Its name (the step's task is `<rule>[<name>]`). @default its position */
  readonly name?: string;
  /** Coordinates it needs (`{ caller: 'gatk' }`; a list for any of several), or a predicate. @default always */
  readonly when?: Condition;
}

/** What `rule()` and `state()` take besides the outputs. */
export interface RuleSpec<W extends string, P = unknown, V = unknown>
  extends Implementation<W, P, V> {
  /** The rule's stable name. @default its first output (or the state's name) */
  readonly name?: string;
  /** Several implementations, the first whose `when` holds is used; instead of `run`/`command` here. */
  readonly implementations?: readonly Variant<W, P, V>[];
  /** Sets the build's next targets (and coordinates) from the value, once it is known. */
  readonly next?: (value: V, coordinates: Coordinates) => NextTargets | undefined;
  /** Never up to date: the step runs in every build that reaches it. @default false */
  readonly always?: boolean;
}

/** The carrier of a value's tasks, as workers look for them among a module's exports. */
export const TASKS: unique symbol = Symbol.for('weft.tasks') as never;
const RULE = Symbol.for('weft.rule');

/** A compiled implementation. */
export interface RuleImpl {
  readonly rule: CompiledRule;
  /** Its name for messages (`gatk`, or `#1`). */
  readonly label: string;
  readonly when: (c: Coordinates) => boolean;
  /** The condition as text, for messages. */
  readonly whenText: string;
  readonly needs: CompiledNeeds;
  readonly params: ((w: WildcardValues, c: Coordinates) => unknown) | undefined;
  readonly code: StepCode;
  readonly task: Task;
  /** An explicit version (replaces the hash of its code). */
  readonly version: string | undefined;
}

/** A rule, compiled once. */
export interface CompiledRule {
  readonly name: string;
  readonly kind: 'file' | 'state';
  readonly outputs: readonly Pattern[];
  /** Its wildcards' names, in the order of the first output's. */
  readonly names: readonly string[];
  readonly impls: readonly RuleImpl[];
  readonly next: ((value: unknown, c: Coordinates) => NextTargets | undefined) | undefined;
  readonly always: boolean;
  /** The module that defined it. */
  readonly module: string | undefined;
}

/** A rule: pass it (or the module that exports it) to `build`. */
export interface Rule<W extends string = string> {
  readonly name: string;
  readonly kind: 'file' | 'state';
  /** Its outputs' patterns (the state's name). */
  readonly outputs: readonly string[];
  /** The tasks of its implementations' steps. */
  readonly [TASKS]: readonly Task[];
  /** @internal */
  readonly compiled: CompiledRule;
  /** @internal Wildcard names, for typing only. */
  readonly wildcards?: W;
}

/**
 * A rule that makes files. Outputs are patterns whose wildcards (`{sample}`,
 * `{sample,[^/]+}`) the target fills in; every output has the same ones.
 * @example
 * export const align = rule('aligned/{sample}.bam', {
 *   needs: ['reads/{sample}.fq', 'ref/genome.fa'],
 *   command: ({ input, output }) => ({ argv: ['bwa-mem2', 'mem', input[1], input[0], '-o', output[0]] }),
 * });
 */
export function rule<const O extends string | readonly string[], P = unknown>(
  outputs: O,
  spec: RuleSpec<Wildcards<O extends string ? O : O[number]>, P, unknown>,
): Rule<Wildcards<O extends string ? O : O[number]>> {
  const list: readonly string[] =
    typeof outputs === 'string' ? [outputs] : (outputs as readonly string[]);
  return defineRule('file', list, spec as RuleSpec<string>, callerModule(rule)) as Rule<
    Wildcards<O extends string ? O : O[number]>
  >;
}

/**
 * A rule that makes a named state: a stable name (`'env.created'`) whose
 * value is what the step returns (a command's: its standard output).
 * @example
 * export const platform = state('platform.detected', {
 *   always: true,
 *   run: async () => ({ gpu: await hasGpu() }),
 *   next: (found) => ({ coordinates: { gpu: found.gpu }, targets: ['env.created'] }),
 * });
 */
export function state<const N extends string, V = unknown, P = unknown>(
  name: N,
  spec: RuleSpec<Wildcards<N>, P, V>,
): Rule<Wildcards<N>> {
  return defineRule('state', [name], spec as RuleSpec<string>, callerModule(state)) as Rule<
    Wildcards<N>
  >;
}

/** True for a rule made by `rule()` or `state()`. */
export function isRule(value: unknown): value is Rule {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RULE] === true
  );
}

const KEYS = new Set([
  'name',
  'implementations',
  'next',
  'always',
  'needs',
  'params',
  'run',
  'command',
  'retries',
  'backoff',
  'timeout',
  'requirements',
  'priority',
  'resources',
  'version',
  'when',
]);

function defineRule(
  kind: 'file' | 'state',
  outputs: readonly string[],
  spec: RuleSpec<string>,
  module: string | undefined,
): Rule {
  const what = kind === 'file' ? 'rule()' : 'state()';
  if (
    !Array.isArray(outputs) ||
    outputs.length === 0 ||
    outputs.some((o) => typeof o !== 'string' || o === '')
  ) {
    throw new InvalidOptionError(
      `${what} takes ${kind === 'file' ? 'an output pattern or a non-empty list of them' : 'a name'}, got ${describeValue(outputs)}`,
    );
  }
  if (typeof spec !== 'object' || spec === null) {
    throw new InvalidOptionError(
      `${what} ${outputs[0]}: the second argument must be the rule's spec ({ needs, run | command, ... })`,
    );
  }
  const name = spec.name ?? outputs[0]!;
  if (typeof name !== 'string' || name === '' || name.length > 180) {
    throw new InvalidOptionError(
      `${what} ${outputs[0]}: name must be a non-empty string of at most 180 characters`,
    );
  }
  for (const key of Object.keys(spec)) {
    if (!KEYS.has(key)) throw new InvalidOptionError(`rule ${name}: unknown option ${key}`);
  }
  const patterns = outputs.map((o) => compilePattern(o, name));
  const names = patterns[0]!.names;
  for (const p of patterns.slice(1)) {
    const a = [...names].sort().join();
    if ([...p.names].sort().join() !== a) {
      throw new TargetWildcardError(
        `rule ${name}: the output ${JSON.stringify(p.source)} has other wildcards than ${JSON.stringify(patterns[0]!.source)}, so they cannot all be resolved from a target; every output of a rule has the same wildcards`,
      );
    }
  }
  if (spec.next !== undefined && typeof spec.next !== 'function') {
    throw new InvalidOptionError(
      `rule ${name}: next must be a function (value, coordinates) => ({ targets, coordinates })`,
    );
  }
  const compiled: { -readonly [K in keyof CompiledRule]: CompiledRule[K] } = {
    name,
    kind,
    outputs: patterns,
    names,
    impls: [],
    next: spec.next as CompiledRule['next'],
    always: spec.always === true,
    module,
  };
  const variants = spec.implementations;
  if (variants !== undefined) {
    if (!Array.isArray(variants) || variants.length === 0) {
      throw new InvalidOptionError(`rule ${name}: implementations must be a non-empty array`);
    }
    for (const k of ['run', 'command', 'needs', 'params', 'when'] as const) {
      if (spec[k as keyof RuleSpec<string>] !== undefined) {
        throw new InvalidOptionError(
          `rule ${name}: ${k} goes in each of its implementations, not beside them`,
        );
      }
    }
    const seen = new Set<string>();
    compiled.impls = variants.map((v, i) => {
      const label = v?.name ?? `#${i + 1}`;
      if (seen.has(label))
        throw new InvalidOptionError(`rule ${name}: two implementations are named ${label}`);
      seen.add(label);
      return compileImpl(compiled, { ...pickStepOptions(spec), ...v }, label, `${name}[${label}]`);
    });
  } else {
    if ((spec as Variant<string>).when !== undefined) {
      throw new InvalidOptionError(
        `rule ${name}: when belongs to an implementation (implementations: [{ when, ... }])`,
      );
    }
    compiled.impls = [compileImpl(compiled, spec, '', name)];
  }
  return {
    name,
    kind,
    outputs,
    [TASKS]: compiled.impls.map((i) => i.task),
    compiled,
    [RULE]: true,
  } as Rule;
}

function pickStepOptions(spec: RuleSpec<string>): StepOptions {
  const { retries, backoff, timeout, requirements, priority, resources, version } = spec;
  const o: Record<string, unknown> = {
    retries,
    backoff,
    timeout,
    requirements,
    priority,
    resources,
    version,
  };
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o as StepOptions;
}

function compileImpl(
  rule: CompiledRule,
  v: Variant<string>,
  label: string,
  taskName: string,
): RuleImpl {
  const where = label === '' ? `rule ${rule.name}` : `rule ${rule.name}, implementation ${label}`;
  const hasRun = v.run !== undefined;
  const hasCommand = v.command !== undefined;
  if (hasRun === hasCommand) {
    throw new InvalidOptionError(
      `${where}: give its step as run (a function) or as command (a command spec), one of the two`,
    );
  }
  if (hasRun && typeof v.run !== 'function')
    throw new InvalidOptionError(`${where}: run must be a function (ctx) => value`);
  if (
    hasCommand &&
    typeof v.command !== 'function' &&
    (typeof v.command !== 'object' || v.command === null)
  ) {
    throw new InvalidOptionError(
      `${where}: command must be a command spec ({ argv }) or a function (ctx) => spec`,
    );
  }
  const params = v.params;
  const { retries, backoff, timeout, requirements, priority, resources, version } = v;
  const options: Record<string, unknown> = { name: taskName, cache: false };
  const given: Record<string, unknown> = {
    retries,
    backoff,
    timeout,
    requirements,
    priority,
    resources,
  };
  for (const [k, value] of Object.entries(given)) if (value !== undefined) options[k] = value;
  if (version !== undefined && (typeof version !== 'string' || version === '')) {
    throw new InvalidOptionError(`${where}: version must be a non-empty string`);
  }
  const code: StepCode = { rule: rule.name, kind: rule.kind, run: v.run, command: v.command };
  const condition = compileCondition(v.when, where);
  return {
    rule,
    label,
    when: condition.test,
    whenText: condition.text,
    needs: compileNeeds(v.needs, rule, where),
    params:
      params === undefined
        ? undefined
        : typeof params === 'function'
          ? (params as RuleImpl['params'])
          : () => params,
    code,
    task: defineTask(
      options as unknown as TaskOptions,
      (ctx, job) => runStep(ctx, job, code),
      rule.module,
    ),
    version,
  };
}
