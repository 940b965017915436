/**
 * @module
 * The planner: from asked-for targets back to the jobs they need, lazily
 * (nothing is made for rules the targets do not reach). A target resolves
 * to a job (the rule that makes it, its wildcards' values, the
 * implementation the coordinates select, its needs) or to a source file; a
 * depth-first walk with an explicit stack resolves each job's needs before
 * deciding the job (up to date, or runs and why), so jobs are decided in an
 * order where needs come first. The walk never recurses, so a chain of a
 * million jobs is planned like any other, and a need that reaches a job
 * still on the walk's path is a cycle, named.
 *
 * The planner keeps what it decided across requests: a running build asks
 * it for more targets (`need`, a rule's `next`) and only the new jobs are
 * planned. A request that fails is undone, so the next one starts clean.
 */
import { resolve } from 'node:path';
import { isWeftError } from '../../errors/base.ts';
import {
  chainText,
  PLAN_ERROR_CODES,
  TargetAmbiguousError,
  TargetCycleError,
  type TargetLink,
  TargetMissingError,
  TargetNoImplementationError,
  TargetRuleError,
  TargetWildcardError,
} from '../../errors/targets.ts';
import { RuleBook, type RulesInput } from './book.ts';
import { BuildLog } from './build-log.ts';
import { baseCoordinates, CoordinateSet, coordinatesText } from './coordinates.ts';
import { FileState } from './file-state.ts';
import { check } from './freshness.ts';
import { describeError, JobFacts, NO_WILDCARDS, wildcards } from './job-facts.ts';
import { FRESH, NEW, SOURCE, STALE, UNKNOWN, VISITING } from './jobs.ts';
import type { Coordinates } from './model.ts';
import { evaluateNeeds } from './needs.ts';
import { expandPattern, leftoverWildcard } from './pattern.ts';
import type { CompiledRule, RuleImpl } from './rule.ts';

/** How a plan is made. */
export interface PlanOptions {
  /** Coordinates, beside `platform`, `arch` and `mode` (which they may not change). @default none */
  readonly coordinates?: Readonly<Record<string, unknown>>;
  /** The mode, as the coordinate `mode`. @default none */
  readonly mode?: string;
  /** Targets to build even when up to date; `true` for every target reached. @default none */
  readonly force?: boolean | readonly string[];
  /** The build's records: a file, or `false` to keep none (everything runs). @default '.weft/targets.log' */
  readonly buildLog?: string | false;
}

/** Target names longer than this mean rules that recurse, each needing a longer name. */
const MAX_NAME = 4096;

export class Planner extends JobFacts {
  readonly book: RuleBook;
  /** Jobs in the order they were decided (needs first). */
  readonly order: number[] = [];
  /** Jobs whose value is known and whose rule has `next`, in the order they became so. */
  readonly nextReady: number[] = [];
  /** How many of `nextReady` were handled. */
  nextHandled = 0;
  readonly #known = new Map<string, number>();
  readonly #selected = new Map<CompiledRule, { generation: number; impl: RuleImpl }>();
  readonly #forceAll: boolean;
  readonly #forceNames: ReadonlySet<string>;
  readonly #stack: number[] = [];
  #root = 'the build';
  /** The job that asked (a running step's `need`): reaching it closes a cycle. */
  #blocked = -1;

  constructor(rules: RulesInput | RuleBook, options: PlanOptions = {}) {
    const path =
      options.buildLog === false ? undefined : resolve(options.buildLog ?? '.weft/targets.log');
    const log = new BuildLog(path);
    const coordinates = new CoordinateSet(baseCoordinates(options.mode), 'the build');
    coordinates.add(options.coordinates, 'the build');
    super(log, new FileState(log), coordinates);
    this.book = rules instanceof RuleBook ? rules : new RuleBook(rules);
    const force = options.force;
    this.#forceAll = force === true;
    this.#forceNames = new Set(Array.isArray(force) ? force : []);
  }

  /**
   * Plans `targets` (asked for by job `from`, or -1: by `root`) and returns
   * what each resolved to: a job id, or `SOURCE`. Throws, having planned
   * nothing, on a target nothing makes, a cycle, an ambiguity.
   */
  request(targets: readonly string[], from = -1, root = 'the build'): number[] {
    const mark = this.order.length;
    const nextMark = this.nextReady.length;
    this.#root = root;
    this.#blocked = from;
    try {
      const ids: number[] = [];
      for (const t of targets) {
        const id = this.#resolve(t, from);
        if (id >= 0 && id === from) this.#cycle(-1, id);
        if (id >= 0 && this.jobs.status[id] === NEW) this.#visit(id);
        ids.push(id);
      }
      return ids;
    } catch (error) {
      this.#undo(mark, nextMark);
      throw error;
    } finally {
      this.#blocked = -1;
    }
  }

  /** The build's coordinates now. */
  get coordinateValues(): Coordinates {
    return this.coordinates.values;
  }

  // ---- resolving targets to jobs ----

  #resolve(t: string, from: number): number {
    const known = this.#known.get(t);
    if (known !== undefined) return known;
    const book = this.book;
    const r = book.match(t);
    if (r === -2) {
      const [a, b] = book.clash!;
      throw new TargetAmbiguousError(t, a, b, this.chain(from));
    }
    if (r < 0) {
      if (this.files.exists(t)) {
        this.#known.set(t, SOURCE);
        return SOURCE;
      }
      const left = leftoverWildcard(t);
      if (left !== undefined) {
        throw new TargetWildcardError(
          `the target ${JSON.stringify(t)} (${chainText(this.chain(from), this.#root)}) still has the wildcard ${left}, which nothing resolved: no rule makes it and no such file exists (a pattern passed where a name was meant? build the name from the wildcards' values)`,
        );
      }
      throw new TargetMissingError(t, this.chain(from), this.#root);
    }
    return this.#create(r, book.values, book.output, t, from);
  }

  /** A need a step asked for when it last ran: one that cannot be made now is `UNKNOWN`, not an error. */
  #resolveAsked(t: string, from: number): number {
    try {
      return this.#resolve(t, from);
    } catch (error) {
      if (isWeftError(error) && PLAN_ERROR_CODES.has(error.code)) return UNKNOWN;
      throw error;
    }
  }

  /** The job (or `SOURCE`) a target resolved to, if it was planned. */
  idOf(t: string): number | undefined {
    return this.#known.get(t);
  }

  #create(r: number, values: readonly string[], output: number, t: string, from: number): number {
    const rule = this.book.rules[r]!;
    if (t.length > MAX_NAME) {
      const links = this.chain(from).reverse();
      links.push({ target: t, rule: rule.name });
      throw new TargetCycleError(
        links.slice(-6),
        'the rules recurse without end, each needing a longer name',
      );
    }
    const impl = this.#select(rule, t);
    const primary = output === 0 ? t : expandPattern(rule.outputs[0]!, values);
    const wild = impl.needs.kind === 'fn' ? wildcards(rule, values) : NO_WILDCARDS;
    const { list, shape } = evaluateNeeds(
      impl.needs,
      values,
      wild,
      this.coordinates.values,
      rule.name,
      primary,
    );
    // What its step asked for with need() when it last ran is an input too.
    const record = this.log.size === 0 ? undefined : this.log.target(primary);
    const needs =
      record !== undefined &&
      record.needs.length > record.statics &&
      record.statics === list.length &&
      startsWith(record.needs, list)
        ? list.concat(record.needs.slice(list.length))
        : list;
    const j = this.jobs.add(primary, impl, values, needs, list.length, shape, from);
    if (rule.outputs.length === 1 || rule.kind === 'state') {
      // `t` was just looked up and is no one's: no need to ask again.
      this.#known.set(primary, j);
      if (this.#forceAll || this.#forceNames.has(primary)) this.forcedJobs.add(j);
    } else for (const p of rule.outputs) this.#claim(expandPattern(p, values), j, from);
    return j;
  }

  /** Registers `name` as made by job `j`; another job already making it is an ambiguity. */
  #claim(name: string, j: number, from: number): void {
    const other = this.#known.get(name);
    if (other !== undefined && other !== j) {
      const describe = (k: number): string =>
        k < 0
          ? 'an existing file'
          : `rule ${this.jobs.impl[k]!.rule.name} (for ${JSON.stringify(this.jobs.target[k])})`;
      throw new TargetAmbiguousError(name, describe(other), describe(j), this.chain(from));
    }
    this.#known.set(name, j);
    if (this.#forceAll || this.#forceNames.has(name)) this.forcedJobs.add(j);
  }

  #select(rule: CompiledRule, t: string): RuleImpl {
    const impls = rule.impls;
    if (impls.length === 1) return impls[0]!;
    const coordinates = this.coordinates;
    const memo = this.#selected.get(rule);
    if (memo !== undefined && memo.generation === coordinates.generation) return memo.impl;
    const c = coordinates.values;
    for (const impl of impls) {
      let holds: boolean;
      try {
        holds = impl.when(c);
      } catch (cause) {
        throw new TargetRuleError(
          rule.name,
          `the condition of its implementation ${impl.label} threw: ${describeError(cause)}`,
          { cause },
        );
      }
      if (holds) {
        this.#selected.set(rule, { generation: coordinates.generation, impl });
        return impl;
      }
    }
    throw new TargetNoImplementationError(
      rule.name,
      t,
      coordinatesText(c),
      impls.map((i) => `${i.label} (${i.whenText})`),
    );
  }

  /** Who asked for job `j`'s target, nearest first (`j` included). */
  chain(j: number): TargetLink[] {
    const links: TargetLink[] = [];
    for (let k = j; k >= 0 && links.length < 64; k = this.jobs.askedBy[k]!) {
      links.push({ target: this.jobs.target[k]!, rule: this.jobs.impl[k]!.rule.name });
    }
    return links;
  }

  // ---- the walk ----

  #visit(root: number): void {
    const jobs = this.jobs;
    const stack = this.#stack;
    jobs.status[root] = VISITING;
    stack.push(root);
    while (stack.length > 0) {
      const j = stack[stack.length - 1]!;
      const c = jobs.cursor[j]!;
      const needs = jobs.needs[j]!;
      if (c < needs.length) {
        jobs.cursor[j] = c + 1;
        const d =
          c < jobs.statics[j]! ? this.#resolve(needs[c]!, j) : this.#resolveAsked(needs[c]!, j);
        jobs.deps[jobs.depStart[j]! + c] = d;
        if (d < 0) continue;
        const s = jobs.status[d]!;
        if (s === NEW) {
          jobs.status[d] = VISITING;
          stack.push(d);
        } else if (s === VISITING) this.#cycle(stack.lastIndexOf(d), d);
        else if (d === this.#blocked) this.#cycle(-1, d);
        continue;
      }
      stack.pop();
      this.#decide(j);
    }
  }

  #cycle(at: number, d: number): never {
    const link = (k: number): TargetLink => ({
      target: this.jobs.target[k]!,
      rule: this.jobs.impl[k]!.rule.name,
    });
    const path = at >= 0 ? this.#stack.slice(at) : [d, ...this.#stack];
    const loop = path.map(link);
    loop.push(link(d));
    throw new TargetCycleError(loop);
  }

  #decide(j: number): void {
    const jobs = this.jobs;
    // Params are known from the wildcards and coordinates: a function that throws fails the plan.
    if (jobs.impl[j]!.params !== undefined) this.paramsOf(j);
    const v = check(this, j);
    jobs.status[j] = v.reason === 0 ? FRESH : STALE;
    jobs.reason[j] = v.reason;
    if (v.detail !== undefined) this.detail.set(j, v.detail);
    if (v.record !== undefined) this.records.set(j, v.record);
    this.order.push(j);
    if (v.reason === 0 && jobs.impl[j]!.rule.next !== undefined) this.nextReady.push(j);
  }

  #undo(mark: number, nextMark: number): void {
    const jobs = this.jobs;
    const reset = (j: number): void => {
      jobs.status[j] = NEW;
      jobs.cursor[j] = 0;
      jobs.reason[j] = 0;
    };
    for (let k = mark; k < this.order.length; k++) reset(this.order[k]!);
    for (const j of this.#stack) reset(j);
    this.order.length = mark;
    this.nextReady.length = Math.max(nextMark, this.nextHandled);
    this.#stack.length = 0;
  }
}

function startsWith(list: readonly string[], prefix: readonly string[]): boolean {
  for (let i = 0; i < prefix.length; i++) if (list[i] !== prefix[i]) return false;
  return true;
}
