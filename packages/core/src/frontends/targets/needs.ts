/**
 * @module
 * What a rule needs, compiled once per implementation and evaluated per
 * job: fixed targets (one shared list), patterns filled in with the job's
 * wildcards, or a function of the wildcards and coordinates. Each gives a
 * flat list of targets and the shape the step's `input` takes.
 */
import { describeValue } from '../../errors/base.ts';
import { TargetRuleError, TargetWildcardError } from '../../errors/targets.ts';
import type { Coordinates, NeedsShape, NeedsValue, WildcardValues } from './model.ts';
import { compilePattern, type Pattern } from './pattern.ts';

/** Needs, compiled. */
export type CompiledNeeds =
  | { readonly kind: 'fixed'; readonly list: readonly string[]; readonly shape: NeedsShape }
  | {
      readonly kind: 'patterns';
      readonly patterns: readonly Pattern[];
      /** For each pattern, its wildcards' positions among the rule's. */
      readonly maps: readonly Int32Array[];
      readonly shape: NeedsShape;
    }
  | { readonly kind: 'fn'; readonly fn: (w: WildcardValues, c: Coordinates) => NeedsValue };

const NONE: CompiledNeeds = Object.freeze({ kind: 'fixed', list: Object.freeze([]), shape: 1 });

/** The rule as `compileNeeds` needs to know it. */
interface Owner {
  readonly name: string;
  readonly names: readonly string[];
  readonly outputs: readonly Pattern[];
}

/** Compiles `needs` for an implementation of `rule` (`where` names it for errors). */
export function compileNeeds(
  needs: NeedsValue | ((w: WildcardValues, c: Coordinates) => NeedsValue) | undefined,
  rule: Owner,
  where: string,
): CompiledNeeds {
  if (needs === undefined) return NONE;
  if (typeof needs === 'function') return { kind: 'fn', fn: needs };
  const { list, shape } = flatten(
    needs,
    (why) => new TargetRuleError(rule.name, `${where}: needs ${why}`),
  );
  const patterns = list.map((t) => compilePattern(t, rule.name));
  if (patterns.every((p) => p.slots.length === 0))
    return { kind: 'fixed', list: Object.freeze([...list]), shape };
  const maps = patterns.map((p) => {
    const map = new Int32Array(p.names.length);
    p.names.forEach((n, k) => {
      const at = rule.names.indexOf(n);
      if (at < 0) {
        throw new TargetWildcardError(
          `${where}: the need ${JSON.stringify(p.source)} uses the wildcard {${n}}, which its output ${JSON.stringify(rule.outputs[0]!.source)} does not have, so it cannot be resolved from the target`,
        );
      }
      map[k] = at;
    });
    return map;
  });
  return { kind: 'patterns', patterns, maps, shape };
}

/** The needs of one job: the flat list of targets and its shape. */
export function evaluateNeeds(
  needs: CompiledNeeds,
  values: readonly string[],
  wildcards: WildcardValues,
  coordinates: Coordinates,
  rule: string,
  target: string,
): { list: readonly string[]; shape: NeedsShape } {
  if (needs.kind === 'fixed') return needs;
  if (needs.kind === 'patterns') {
    const list = new Array<string>(needs.patterns.length);
    for (let i = 0; i < list.length; i++) {
      const p = needs.patterns[i]!;
      const map = needs.maps[i]!;
      let out = p.parts[0]!;
      for (let s = 0; s < p.slots.length; s++) out += values[map[p.slots[s]!]!]! + p.parts[s + 1]!;
      list[i] = out;
    }
    return { list, shape: needs.shape };
  }
  let given: NeedsValue;
  try {
    given = needs.fn(wildcards, coordinates);
  } catch (cause) {
    throw new TargetRuleError(
      rule,
      `its needs function threw for ${JSON.stringify(target)}: ${cause instanceof Error ? cause.message : describeValue(cause)}`,
      { cause },
    );
  }
  return flatten(
    given,
    (why) => new TargetRuleError(rule, `its needs function, for ${JSON.stringify(target)}, ${why}`),
  );
}

/** A needs value as a flat list and a shape; `fail` makes the error for a malformed one. */
function flatten(
  value: NeedsValue,
  fail: (why: string) => Error,
): { list: readonly string[]; shape: NeedsShape } {
  if (typeof value === 'string') {
    if (value === '') throw fail('gave an empty target name');
    return { list: [value], shape: 0 };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const t = value[i];
      if (typeof t !== 'string' || t === '')
        throw fail(`gave ${describeValue(t)} at [${i}], not a target name`);
    }
    return { list: value as readonly string[], shape: 1 };
  }
  if (typeof value !== 'object' || value === null) {
    throw fail(
      `gave ${describeValue(value)}: expected a target, a list of targets, or an object of them`,
    );
  }
  const list: string[] = [];
  const shape: [string, number][] = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && v !== '') {
      list.push(v);
      shape.push([key, -1]);
    } else if (Array.isArray(v) && v.every((t) => typeof t === 'string' && t !== '')) {
      list.push(...(v as string[]));
      shape.push([key, v.length]);
    } else throw fail(`gave ${describeValue(v)} for ${key}, not a target or a list of targets`);
  }
  return { list, shape };
}
