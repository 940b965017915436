/**
 * @module
 * The errors of the targets front end (rules, file and named-state
 * targets): a target nothing makes, two rules that make one target, rules
 * that need each other in a loop, a wildcard that cannot be resolved, a
 * rule whose coordinates select none of its implementations, a step that
 * did not write its output, a rule function that misbehaves, a coordinate
 * set twice, and `need()` in a run without rules. Each names the target,
 * the rules and the chain of rules that asked for it.
 */
import { WeftError } from './base.ts';

/** One link of a chain of targets: the target and the rule that makes it (none for the build's request). */
export interface TargetLink {
  readonly target: string;
  readonly rule: string | undefined;
}

/** `a.txt [rule A] <- b.txt [rule B] <- the build`: who asked for a target, nearest first. */
export function chainText(chain: readonly TargetLink[], root = 'the build'): string {
  if (chain.length === 0) return `asked for by ${root}`;
  const links = chain.map((l) =>
    l.rule === undefined ? l.target : `${l.target} [rule ${l.rule}]`,
  );
  return `needed by ${links.join(' <- ')} <- ${root}`;
}

/** No rule makes the target, and no file of that name exists. */
export class TargetMissingError extends WeftError {
  /** Retrying cannot make a rule appear. */
  readonly retryable = false;
  readonly target: string;
  /** Who asked for it, nearest first. */
  readonly chain: readonly TargetLink[];
  constructor(target: string, chain: readonly TargetLink[], root?: string) {
    super(
      'WEFT_TARGET_MISSING',
      `no rule makes ${JSON.stringify(target)} and no such file exists (${chainText(chain, root)})`,
    );
    this.target = target;
    this.chain = chain;
  }
}

/** Two rules (or one rule with two sets of wildcard values) make the same target. */
export class TargetAmbiguousError extends WeftError {
  readonly retryable = false;
  readonly target: string;
  /** The two rules, each with the pattern that matched. */
  readonly rules: readonly string[];
  constructor(target: string, first: string, second: string, chain: readonly TargetLink[]) {
    super(
      'WEFT_TARGET_AMBIGUOUS',
      `two rules make ${JSON.stringify(target)}: ${first} and ${second} (${chainText(chain)}); ` +
        'constrain a wildcard ({name,regex}) or change an output so that one rule makes it',
    );
    this.target = target;
    this.rules = [first, second];
  }
}

/** Rules need each other in a loop (or recurse without end, each needing a longer name). */
export class TargetCycleError extends WeftError {
  readonly retryable = false;
  /** The loop, first target repeated at the end. */
  readonly loop: readonly TargetLink[];
  constructor(loop: readonly TargetLink[], why = 'the rules form a cycle') {
    const text = loop.map((l) =>
      l.rule === undefined ? l.target : `${l.target} [rule ${l.rule}]`,
    );
    super('WEFT_TARGET_CYCLE', `${why}: ${text.join(' -> ')}`);
    this.loop = loop;
  }
}

/** A wildcard cannot be resolved from the target: a pattern that cannot say, or a name left in a target. */
export class TargetWildcardError extends WeftError {
  readonly retryable = false;
  constructor(message: string) {
    super('WEFT_TARGET_WILDCARD', message);
  }
}

/** The coordinates of the build select none of a rule's implementations. */
export class TargetNoImplementationError extends WeftError {
  readonly retryable = false;
  readonly rule: string;
  readonly target: string;
  /** The coordinates seen, as text (`{ platform: 'linux', caller: 'freebayes' }`). */
  readonly coordinates: string;
  constructor(rule: string, target: string, coordinates: string, choices: readonly string[]) {
    super(
      'WEFT_TARGET_NO_IMPLEMENTATION',
      `rule ${rule} has no implementation for ${JSON.stringify(target)} under the coordinates ` +
        `${coordinates}; its implementations: ${choices.join('; ')}`,
    );
    this.rule = rule;
    this.target = target;
    this.coordinates = coordinates;
  }
}

/** A step ended without writing one of its rule's declared outputs. */
export class TargetOutputMissingError extends WeftError {
  readonly rule: string;
  readonly target: string;
  readonly path: string;
  constructor(rule: string, target: string, path: string) {
    super(
      'WEFT_TARGET_OUTPUT_MISSING',
      `rule ${rule} ran for ${JSON.stringify(target)} but did not write its declared output ${JSON.stringify(path)}`,
    );
    this.rule = rule;
    this.target = target;
    this.path = path;
  }
}

/** A rule's function (needs, params, command, next, when) threw or gave something it cannot take. */
export class TargetRuleError extends WeftError {
  readonly retryable = false;
  readonly rule: string;
  constructor(rule: string, message: string, options?: { cause?: unknown }) {
    super('WEFT_TARGET_RULE', `rule ${rule}: ${message}`, options);
    this.rule = rule;
  }
}

/** A coordinate set again with another value: coordinates are only ever added to. */
export class TargetCoordinateError extends WeftError {
  readonly retryable = false;
  readonly key: string;
  constructor(key: string, was: string, now: string, by: string) {
    super(
      'WEFT_TARGET_COORDINATE',
      `${by} sets the coordinate ${key} to ${now}, but it is already ${was} (coordinates are only ever added to)`,
    );
    this.key = key;
  }
}

/** `need()` was called in a run that has no rules. */
export class TargetNoRulesError extends WeftError {
  readonly retryable = false;
  constructor(targets: readonly string[], runId: string) {
    super(
      'WEFT_TARGET_NO_RULES',
      `need(${targets.map((t) => JSON.stringify(t)).join(', ')}) in run ${runId}, which has no rules: ` +
        'start the run with build(targets, { rules }), or call targets.use(rules) in its main function first',
    );
  }
}

/** The codes of a plan that cannot be made, or of a rule that misbehaves while planned. */
export const PLAN_ERROR_CODES: ReadonlySet<string> = new Set([
  'WEFT_TARGET_MISSING',
  'WEFT_TARGET_AMBIGUOUS',
  'WEFT_TARGET_CYCLE',
  'WEFT_TARGET_WILDCARD',
  'WEFT_TARGET_NO_IMPLEMENTATION',
  'WEFT_TARGET_RULE',
  'WEFT_TARGET_COORDINATE',
]);
