/**
 * @module
 * `step(name, graph, fn, options?)`: a step of a graph, with the products
 * it produces and consumes and its chain of run behaviours. Each step is a
 * task (named `<graph>.<step>`), defined here on behalf of the module that
 * called `step()` and carried by the step and by its graph (under
 * `Symbol.for('weft.tasks')`), so that a worker importing that module finds
 * it among its exports by name, like any task: export your graph (or
 * steps) from the module that defines them, at top level, chains included.
 */
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import { StepProductTwiceError } from '../../errors/steps.ts';
import { callerModule } from '../../util/caller-module.ts';
import type { Duration } from '../../util/duration.ts';
import {
  type BackoffOptions,
  defineTask,
  type Task,
  type TaskFiles,
  type TaskOptions,
} from '../../vocabulary/task.ts';
import { type ActionDef, runAction, type StepCall } from './action.ts';
import {
  type BehaviourInfo,
  type BehaviourSpec,
  cacheBehaviour,
  insertBehaviour,
  type Placement,
  poolBehaviour,
  resolveBehaviour,
  retryBehaviour,
  type StepBehaviour,
  timeoutBehaviour,
  WAIT,
  waitBehaviour,
} from './behaviours.ts';
import type { StepContext } from './context.ts';
import { isProduct, type Product } from './product.ts';

/** The carrier of a value's tasks, as workers look for them among a module's exports. */
export const TASKS: unique symbol = Symbol.for('weft.tasks') as never;

/** Options of `step()`. */
export interface StepOptions
  extends Pick<TaskOptions, 'requirements' | 'priority' | 'resources' | 'version'> {
  /** Skip the step when a run already made its products from the same inputs (the `cache` behaviour). @default true */
  readonly cache?: boolean;
  /** Inserts `retry` with this many retries. @default no retry behaviour */
  readonly retries?: number;
  /** Backoff between retries (with `retries`). */
  readonly backoff?: BackoffOptions;
  /** Inserts `timeout` with this limit per attempt. @default no timeout behaviour */
  readonly timeout?: Duration;
  /** Inserts `pool`: the step runs on that pool of the run's executor. @default none */
  readonly pool?: string;
  /**
   * The chain, given whole, in order: built-in behaviours by name (with
   * options: `['retry', { retries: 2 }]`) and behaviours of one's own;
   * `wait-for-producers` is added at its place when missing. Instead of
   * `cache`. @default ['cache', 'wait-for-producers']
   */
  readonly behaviours?: readonly BehaviourSpec[];
  /**
   * Files the step reads that no step produces (its raw inputs), from the
   * graph's params: their content joins its cache key, so an edited file is
   * a cache miss. Consumed file products join it without this.
   * @example step('load', g, load, { inputs: (params) => [String(params.csv)] })
   * @default none
   */
  readonly inputs?: (params: Readonly<Record<string, unknown>>) => readonly string[];
}

const KEYS = new Set([
  'cache',
  'retries',
  'backoff',
  'timeout',
  'pool',
  'behaviours',
  'requirements',
  'priority',
  'resources',
  'version',
  'inputs',
]);

/** The steps and products of one graph, as declared so far. */
export class GraphModel {
  readonly name: string;
  readonly steps: Step[] = [];
  /** Each produced product's step. */
  readonly producers = new Map<Product, Step>();
  /** The products used in the graph, by name (one product per name). */
  readonly #byName = new Map<string, Product>();
  readonly #names = new Set<string>();

  constructor(name: string) {
    this.name = name;
  }

  /** Throws when the graph has a step named `name`. */
  checkName(name: string): void {
    if (this.#names.has(name)) {
      throw new InvalidOptionError(`graph ${this.name}: two steps are named ${name}`);
    }
  }

  addStep(step: Step): void {
    this.checkName(step.name);
    this.#names.add(step.name);
    this.steps.push(step);
  }

  /** Notes a product used by `step`; two products of one name in a graph are refused. */
  use(p: Product, step: string): void {
    const known = this.#byName.get(p.name);
    if (known !== undefined && known !== p) {
      throw new InvalidOptionError(
        `graph ${this.name}, step ${step}: another product is already named ${p.name}; products of a graph have distinct names`,
      );
    }
    this.#byName.set(p.name, p);
  }

  produce(p: Product, step: Step): void {
    const first = this.producers.get(p);
    if (first !== undefined && first !== step) {
      throw new StepProductTwiceError(this.name, p.name, first.name, step.name);
    }
    this.producers.set(p, step);
  }

  /** The products used in the graph, in the order they were first declared. */
  products(): Product[] {
    return [...this.#byName.values()];
  }
}

/** A step of a graph. */
export class Step implements ActionDef {
  readonly name: string;
  readonly fn: (ctx: StepContext) => unknown;
  /** Its task: one node of a run per step. */
  readonly task: Task;
  readonly #graph: GraphModel;
  readonly #consumed: Product[] = [];
  readonly #produced: Product[] = [];
  readonly #chain: StepBehaviour[] = [];

  constructor(
    name: string,
    graph: GraphModel,
    fn: (ctx: StepContext) => unknown,
    options: StepOptions,
    module: string | undefined,
  ) {
    this.name = name;
    this.#graph = graph;
    this.fn = fn;
    const { requirements, priority, resources, version } = options;
    const taskOptions: Record<string, unknown> = { name: `${graph.name}.${name}`, cache: false };
    for (const [k, v] of Object.entries({ requirements, priority, resources, version })) {
      if (v !== undefined) taskOptions[k] = v;
    }
    const inputs = options.inputs;
    if (inputs !== undefined) {
      if (typeof inputs !== 'function') {
        throw new InvalidOptionError(
          `step ${name}: inputs must be a function (params) => paths of the files it reads, got ${describeValue(inputs)}`,
        );
      }
      taskOptions.inputs = (call: StepCall) => inputs(call.params);
    }
    this.task = defineTask(
      taskOptions as unknown as TaskOptions,
      (ctx, call: StepCall) => runAction(this, ctx, call),
      module,
      (args) => this.#files(args[0] as StepCall),
    );
    this.#buildChain(options);
  }

  #buildChain(o: StepOptions): void {
    if (o.behaviours !== undefined) {
      if (o.cache !== undefined) {
        throw new InvalidOptionError(
          `step ${this.name}: give cache or a whole chain (behaviours), not both`,
        );
      }
      if (!Array.isArray(o.behaviours)) {
        throw new InvalidOptionError(
          `step ${this.name}: behaviours must be an array of behaviour names and behaviours`,
        );
      }
      for (const spec of o.behaviours) {
        const b = resolveBehaviour(spec, this.name);
        insertBehaviour(this.#chain, b, this.name, { after: this.#chain.at(-1)?.name });
      }
      if (!this.#chain.some((b) => b.name === WAIT)) {
        insertBehaviour(this.#chain, waitBehaviour(), this.name);
      }
    } else {
      if (o.cache !== undefined && typeof o.cache !== 'boolean') {
        throw new InvalidOptionError(`step ${this.name}: cache must be true or false`);
      }
      if (o.cache !== false) this.#chain.push(cacheBehaviour());
      this.#chain.push(waitBehaviour());
    }
    if (o.pool !== undefined) this.use(poolBehaviour(o.pool));
    if (o.retries !== undefined) this.use(retryBehaviour(o.retries, o.backoff));
    else if (o.backoff !== undefined) {
      throw new InvalidOptionError(`step ${this.name}: backoff goes with retries`);
    }
    if (o.timeout !== undefined) this.use(timeoutBehaviour(o.timeout));
  }

  /** The input and output files of a node of this step: its file products. */
  #files(call: StepCall | undefined): TaskFiles | undefined {
    const paths = call?.paths;
    if (paths === undefined) return undefined;
    const of = (ps: readonly Product[]): string[] =>
      ps.filter((p) => p.isFile).map((p) => paths[p.name]!);
    return { inputs: of(this.#consumed), outputs: of(this.#produced) };
  }

  /** Its graph's name. */
  get graphName(): string {
    return this.#graph.name;
  }

  /** The tasks this step carries (its own), for workers that import its module. */
  get [TASKS](): readonly Task[] {
    return [this.task];
  }

  /** The products it consumes, in the order declared. */
  get consumed(): readonly Product[] {
    return this.#consumed;
  }

  /** The products it produces, in the order declared. */
  get produced(): readonly Product[] {
    return this.#produced;
  }

  /** Its behaviours, in order. */
  get chain(): readonly StepBehaviour[] {
    return this.#chain;
  }

  /**
   * Declares products this step produces; a product another step of the
   * graph produces is refused (`StepProductTwiceError`).
   */
  produces(...products: Product[]): this {
    for (const p of this.#products(products, 'produces')) {
      this.#graph.produce(p, this);
      if (!this.#produced.includes(p)) this.#produced.push(p);
    }
    return this;
  }

  /** Declares products this step consumes: it runs after their producers, with their values. */
  consumes(...products: Product[]): this {
    for (const p of this.#products(products, 'consumes')) {
      if (!this.#consumed.includes(p)) this.#consumed.push(p);
    }
    return this;
  }

  #products(products: readonly unknown[], what: string): Product[] {
    for (const p of products) {
      if (!isProduct(p)) {
        throw new InvalidOptionError(
          `step ${this.name}: ${what}() takes products (made by product(name)), got ${describeValue(p)}`,
        );
      }
      this.#graph.use(p, this.name);
    }
    return products as Product[];
  }

  /**
   * Inserts a behaviour into the chain at its defined place (or `before` /
   * `after` another); a behaviour already in the chain is refused
   * (`StepBehaviourTwiceError`), an unknown name too.
   */
  use(spec: BehaviourSpec, place?: Placement): this {
    insertBehaviour(this.#chain, resolveBehaviour(spec, this.name), this.name, place);
    return this;
  }

  /** The chain in the order it runs, outermost first, with names and options. */
  behaviours(): BehaviourInfo[] {
    return this.#chain.map((b) => ({ name: b.name, options: { ...b.options } }));
  }

  toString(): string {
    return `step ${this.name}`;
  }
}

/** The graph behind a graph value (what `graph()` returns carries it). */
export const MODEL = Symbol.for('weft.steps.graph');

/**
 * Defines a step of `graph`: `fn` runs once per run (unless its products
 * are cached), after the steps that produce what it consumes.
 * @example
 * export const load = step('load', g, async (ctx) => ctx.put(rows, await readRows()))
 *   .produces(rows);
 * export const total = step('total', g, (ctx) => ctx.get(rows).length)
 *   .consumes(rows).produces(count);
 */
export function step(
  name: string,
  graph: { readonly [MODEL]: GraphModel },
  fn: (ctx: StepContext) => unknown,
  options: StepOptions = {},
): Step {
  if (typeof name !== 'string' || name === '' || name.length > 180) {
    throw new InvalidOptionError(
      `step() needs a non-empty name of at most 180 characters, got ${describeValue(name)}`,
    );
  }
  const model = (graph as { [MODEL]?: unknown } | undefined)?.[MODEL];
  if (!(model instanceof GraphModel)) {
    throw new InvalidOptionError(
      `step ${name}: the second argument must be a graph (made by graph(name)), got ${describeValue(graph)}`,
    );
  }
  if (typeof fn !== 'function') {
    throw new InvalidOptionError(
      `step ${name}: the third argument must be a function (ctx) => ...`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(`step ${name}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new InvalidOptionError(`step ${name}: unknown option ${key}`);
  }
  model.checkName(name);
  const s = new Step(name, model, fn, options, callerModule(step));
  model.addStep(s);
  return s;
}
