/**
 * @module
 * A build's rules, indexed for matching targets: outputs without wildcards
 * (and state names) in a map, the others as compiled patterns tried in
 * turn (each turns most targets away by its literal prefix and suffix).
 * `ruleSet(rules)` bundles rules into one value a module can export (its
 * steps' tasks travel with it, for workers); `rulesOf(input)` takes rules,
 * rule sets, or a module's namespace (its exported rules and rule sets).
 */
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import type { Task } from '../../vocabulary/task.ts';
import { matchPattern, type Pattern } from './pattern.ts';
import { type CompiledRule, isRule, type Rule, TASKS } from './rule.ts';

const SET = Symbol.for('weft.ruleSet');
const NO_VALUES: readonly string[] = Object.freeze([]);

/** Rules as one value (export it so that workers find its steps' tasks). */
export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly [TASKS]: readonly Task[];
}

/** What a build takes as its rules: rules, rule sets, or a module namespace that exports them. */
export type RulesInput = RuleSet | Iterable<Rule | RuleSet> | Readonly<Record<string, unknown>>;

/**
 * Bundles rules (and rule sets) into one rule set.
 * @example
 * export const touches = ruleSet(names.map((n) => rule(`out/${n}.txt`, { command: ... })));
 */
export function ruleSet(rules: Iterable<Rule | RuleSet>): RuleSet {
  const list = rulesOf(rules);
  return { rules: list, [TASKS]: list.flatMap((r) => r[TASKS]), [SET]: true } as RuleSet;
}

function isRuleSet(value: unknown): value is RuleSet {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SET] === true
  );
}

/** The rules of `input`, each once. */
export function rulesOf(input: RulesInput): Rule[] {
  const out: Rule[] = [];
  const seen = new Set<Rule>();
  const add = (value: unknown): void => {
    if (isRule(value)) {
      if (!seen.has(value)) out.push(value);
      seen.add(value);
    } else if (isRuleSet(value)) for (const r of value.rules) add(r);
  };
  if (isRuleSet(input)) add(input);
  else if (typeof (input as Iterable<unknown>)?.[Symbol.iterator] === 'function') {
    for (const r of input as Iterable<unknown>) {
      if (!isRule(r) && !isRuleSet(r)) {
        throw new InvalidOptionError(
          `rules: expected rules (made by rule() or state()), got ${describeValue(r)}`,
        );
      }
      add(r);
    }
  } else if (typeof input === 'object' && input !== null) {
    for (const key of Object.keys(input)) {
      let value: unknown;
      try {
        value = (input as Record<string, unknown>)[key];
      } catch {
        continue;
      }
      add(value);
    }
  } else {
    throw new InvalidOptionError(
      `rules: expected rules, a rule set or a module's exports, got ${describeValue(input)}`,
    );
  }
  return out;
}

/** A pattern output: the rule it belongs to, and which output it is. */
interface PatternEntry {
  readonly rule: number;
  readonly output: number;
  readonly pattern: Pattern;
}

/** Rules indexed for matching. */
export class RuleBook {
  readonly rules: readonly CompiledRule[];
  readonly #literal = new Map<string, number>();
  /** Literal outputs two rules share: the second rule. */
  readonly #clash = new Map<string, number>();
  readonly #patterns: PatternEntry[] = [];
  /** After a match: the wildcards' values, and which output of the rule matched. */
  values: readonly string[] = NO_VALUES;
  output = 0;
  /** After a match that found two rules: both, described. */
  clash: readonly [string, string] | undefined;

  constructor(input: RulesInput) {
    const rules = rulesOf(input);
    const byName = new Map<string, CompiledRule>();
    this.rules = rules.map((r) => r.compiled);
    this.rules.forEach((rule, i) => {
      const first = byName.get(rule.name);
      if (first !== undefined) {
        throw new InvalidOptionError(
          `two rules are named ${rule.name} (${first.module ?? 'a module'} and ${rule.module ?? 'a module'}); a rule's name is its stable identity`,
        );
      }
      byName.set(rule.name, rule);
      rule.outputs.forEach((pattern, output) => {
        if (pattern.slots.length > 0) {
          this.#patterns.push({ rule: i, output, pattern });
          return;
        }
        const taken = this.#literal.get(pattern.source);
        if (taken === undefined) this.#literal.set(pattern.source, i);
        else if (taken !== i) this.#clash.set(pattern.source, i);
      });
    });
  }

  /** `rule align ('aligned/{sample}.bam')`. */
  describe(rule: number, output = 0): string {
    const r = this.rules[rule]!;
    const source = r.outputs[output]!.source;
    return source === r.name ? `rule ${r.name}` : `rule ${r.name} (${JSON.stringify(source)})`;
  }

  /**
   * The rule that makes `target` (setting `values` and `output`), -1 when
   * none does, or -2 when two do (setting `clash`).
   */
  match(target: string): number {
    this.clash = undefined;
    let found = this.#literal.get(target) ?? -1;
    let output = 0;
    let values = NO_VALUES;
    if (found >= 0) {
      output = this.rules[found]!.outputs.findIndex((p) => p.source === target);
      const second = this.#clash.get(target);
      if (second !== undefined) {
        const at = this.rules[second]!.outputs.findIndex((p) => p.source === target);
        this.clash = [this.describe(found, output), this.describe(second, at)];
        return -2;
      }
    }
    const patterns = this.#patterns;
    for (let i = 0; i < patterns.length; i++) {
      const e = patterns[i]!;
      if (e.rule === found) continue;
      const v = matchPattern(e.pattern, target);
      if (v === undefined) continue;
      if (found >= 0) {
        this.clash = [this.describe(found, output), this.describe(e.rule, e.output)];
        return -2;
      }
      found = e.rule;
      values = v;
      output = e.output;
    }
    this.values = values;
    this.output = output;
    return found;
  }
}
