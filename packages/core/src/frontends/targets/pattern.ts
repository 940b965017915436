/**
 * @module
 * Wildcard patterns, compiled once per rule: `aligned/{sample}.bam` matches
 * `aligned/a.bam` with `sample = 'a'`. A wildcard is `{name}` (any text of
 * at least one character, slashes included, as in Snakemake) or
 * `{name,regex}` (text the regex matches: `{sample,[^/]+}`); `{{` and `}}`
 * are literal braces. A name used twice must match the same text both times.
 *
 * Matching is the planner's hot path. A pattern keeps its literal prefix and
 * suffix, so most targets are turned away by `startsWith`/`endsWith`; a
 * pattern with one plain wildcard then takes its value as a slice, and only
 * the others run their regular expression.
 */
import { TargetWildcardError } from '../../errors/targets.ts';

/** A compiled pattern. */
export interface Pattern {
  /** As written. */
  readonly source: string;
  /** The wildcards' names, each once, in order of first appearance. */
  readonly names: readonly string[];
  /** Text before the first wildcard. */
  readonly prefix: string;
  /** Text after the last wildcard. */
  readonly suffix: string;
  /** The literal text between wildcards: `parts.length === slots.length + 1`. */
  readonly parts: readonly string[];
  /** For each wildcard occurrence, the index of its name in `names`. */
  readonly slots: readonly number[];
  /** Undefined for the fast cases (no wildcard; one plain wildcard). */
  readonly regex: RegExp | undefined;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A wildcard left in a target's name: `{sample}` (what a forgotten template literal leaves). */
const LEFTOVER = /\{([A-Za-z_][A-Za-z0-9_]*)(?:,[^}]*)?\}/;

/** Compiles `source`; `owner` names the rule, for errors. */
export function compilePattern(source: string, owner: string): Pattern {
  const parts: string[] = [];
  const slots: number[] = [];
  const names: string[] = [];
  const constraints: (string | undefined)[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if ((c === '{' || c === '}') && source[i + 1] === c) {
      text += c;
      i += 2;
      continue;
    }
    if (c === '}') throw bad(owner, source, `a "}" at position ${i} closes no wildcard`);
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    const end = closingBrace(source, i);
    if (end < 0) throw bad(owner, source, `the "{" at position ${i} is never closed`);
    const body = source.slice(i + 1, end);
    const comma = body.indexOf(',');
    const name = (comma < 0 ? body : body.slice(0, comma)).trim();
    const constraint = comma < 0 ? undefined : body.slice(comma + 1);
    if (!NAME.test(name)) {
      throw bad(owner, source, `{${body}} is not a wildcard: a name is letters, digits and _`);
    }
    if (constraint !== undefined) checkRegex(owner, source, name, constraint);
    let k = names.indexOf(name);
    if (k < 0) {
      k = names.length;
      names.push(name);
      constraints.push(constraint);
    } else if (constraint !== undefined) {
      if (constraints[k] !== undefined && constraints[k] !== constraint) {
        throw bad(owner, source, `{${name}} has two different constraints`);
      }
      constraints[k] = constraint;
    }
    parts.push(text);
    text = '';
    slots.push(k);
    i = end + 1;
  }
  parts.push(text);
  for (let s = 1; s < slots.length; s++) {
    if (parts[s] === '' && constraints[slots[s - 1]!] === undefined) {
      throw bad(
        owner,
        source,
        `{${names[slots[s - 1]!]!}} and {${names[slots[s]!]!}} touch, so no target can say where one ends: put text between them or constrain the first ({name,regex})`,
      );
    }
  }
  const fast = slots.length === 0 || (slots.length === 1 && constraints[0] === undefined);
  return {
    source,
    names,
    prefix: parts[0]!,
    suffix: parts[parts.length - 1]!,
    parts,
    slots,
    regex: fast ? undefined : toRegex(parts, slots, names.length, constraints),
  };
}

/** The index of the `}` closing the `{` at `open`, counting nested braces of a regex. */
function closingBrace(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function checkRegex(owner: string, source: string, name: string, constraint: string): void {
  try {
    new RegExp(constraint, 'u');
  } catch (error) {
    throw bad(owner, source, `{${name},${constraint}}: ${(error as Error).message}`);
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function toRegex(
  parts: readonly string[],
  slots: readonly number[],
  count: number,
  constraints: readonly (string | undefined)[],
): RegExp {
  const seen = new Uint8Array(count);
  let re = `^${escapeRegex(parts[0]!)}`;
  slots.forEach((k, s) => {
    if (seen[k] === 1) re += `\\k<w${k}>`;
    else {
      seen[k] = 1;
      re += `(?<w${k}>${constraints[k] === undefined ? '.+' : `(?:${constraints[k]})`})`;
    }
    re += escapeRegex(parts[s + 1]!);
  });
  return new RegExp(`${re}$`, 'u');
}

function bad(owner: string, source: string, why: string): TargetWildcardError {
  return new TargetWildcardError(`rule ${owner}: the pattern ${JSON.stringify(source)}: ${why}`);
}

/**
 * The wildcards' values when `target` matches (in the order of `names`;
 * `[]` for a pattern without wildcards), else undefined.
 */
export function matchPattern(p: Pattern, target: string): string[] | undefined {
  const slots = p.slots.length;
  if (slots === 0) return target === p.source ? [] : undefined;
  const pre = p.prefix.length;
  const suf = p.suffix.length;
  if (target.length <= pre + suf || !target.startsWith(p.prefix) || !target.endsWith(p.suffix)) {
    return undefined;
  }
  if (p.regex === undefined) return [target.slice(pre, target.length - suf)];
  const m = p.regex.exec(target);
  if (m === null) return undefined;
  const groups = m.groups!;
  const values = new Array<string>(p.names.length);
  for (let k = 0; k < values.length; k++) values[k] = groups[`w${k}`]!;
  return values;
}

/** The pattern with its wildcards replaced by `values` (indexed as `names`). */
export function expandPattern(p: Pattern, values: readonly string[]): string {
  if (p.slots.length === 0) return p.parts[0]!;
  let out = p.parts[0]!;
  for (let s = 0; s < p.slots.length; s++) out += values[p.slots[s]!]! + p.parts[s + 1]!;
  return out;
}

/** The first wildcard left in a target's name (`{sample}`), if any. */
export function leftoverWildcard(target: string): string | undefined {
  if (target.indexOf('{') < 0) return undefined;
  return LEFTOVER.exec(target)?.[0];
}

/** Wildcard names of a string literal type: `Wildcards<'a/{x}/{y,[0-9]+}.txt'>` is `'x' | 'y'`. */
export type Wildcards<S extends string> = S extends `${string}{${infer Body}}${infer Rest}`
  ? (Body extends `${infer Name},${string}` ? Name : Body) | Wildcards<Rest>
  : never;
