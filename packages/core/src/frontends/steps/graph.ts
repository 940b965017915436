/**
 * @module
 * `graph(name)`: a graph of steps. It runs as a run of its own
 * (`g.start(options)`, `g.run(options)`), recorded, resumable and cached
 * like any other, or inside the current run when called (`g(params)` in a
 * run's main function): so a module whose default export is a graph is a
 * workflow `weft run`, `weft resume` and `weft graph` take as they are.
 * Either way each step is one node of the run, added producers first,
 * whose inputs are its producers' nodes (wait-for-producers), whose
 * options are those its behaviours set, and whose priority is its longest
 * remaining path to the end after its own `priority`.
 */
import { fileURLToPath } from 'node:url';
import type { RunOptions } from '../../coordinator/run-options.ts';
import { startGraph } from '../../coordinator/start.ts';
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import { eventStream } from '../../events/bus.ts';
import type { RunEvent } from '../../events/events.ts';
import { longestPathPriorities, plannedGraph } from '../../graph/longest-path.ts';
import { callerModule } from '../../util/caller-module.ts';
import type { Logger } from '../../vocabulary/logger.ts';
import { type NodeOutput, outputOf } from '../../vocabulary/node.ts';
import { type SubmitScope, submitScope } from '../../vocabulary/scope.ts';
import type { Task } from '../../vocabulary/task.ts';
import { Future } from '../futures/future.ts';
import { emptyStream } from '../futures/resolve.ts';
import type { ProductValues, StepCall } from './action.ts';
import { nodeOptionsOf } from './behaviours.ts';
import { checkGraph } from './check.ts';
import type { Product } from './product.ts';
import { addedTo, noteProducer } from './runs.ts';
import { GraphModel, MODEL, type Step, TASKS } from './step.ts';

/** The futures of a graph's steps in a run, by step name; each step's value is its products by name. */
export type StepFutures = Record<string, Future<ProductValues>>;

/** A graph started as a run of its own. */
export interface GraphRunHandle {
  readonly id: string;
  /** Every event of the run from the moment this is first read; ends after `run_finished`. */
  readonly events: AsyncIterable<RunEvent>;
  /** Stops dispatching and cancels running steps through their signal. */
  cancel(reason?: string): void;
  /** Every product's value, by name; rejects with RunFailedError or RunCancelledError. */
  result(): Promise<ProductValues>;
  /** The id of a step's node (by step name), once the graph was added to the run. */
  taskId(step: string): number | undefined;
  /** A logger whose records become the run's own log events. */
  readonly log: Logger;
}

/** A graph of steps: call it in a run's main function, or start it as a run. */
export interface Graph {
  /** Adds the graph's steps to the current run (from its main function); returns their futures. */
  (params?: Readonly<Record<string, unknown>>): StepFutures;
  /** The graph's name (its steps' tasks are `<name>.<step>`). */
  readonly name: string;
  /** @internal */
  readonly [MODEL]: GraphModel;
  /** The tasks of its steps, for workers that import its module. */
  readonly [TASKS]: readonly Task[];
  /** Its steps, in the order they were declared. */
  steps(): readonly Step[];
  /** Its products, in the order they were first declared. */
  products(): readonly Product[];
  /**
   * Checks the graph (a consumed product nobody produces, steps in a loop)
   * and returns its steps in the order they are added to a run, producers
   * first. Starting the graph checks it too, before anything runs.
   */
  check(): readonly Step[];
  /**
   * Starts the graph as a run of its own (options as `run()` takes; `params`
   * reach the steps). Throws, having started nothing, for a graph that is wrong.
   */
  start(options?: RunOptions): GraphRunHandle;
  /** `start(options).result()`; a graph that is wrong rejects it, having run nothing. */
  run(options?: RunOptions): Promise<ProductValues>;
  /** The graph as text: each step with what it consumes and produces, and its chain. */
  describe(): string;
}

/**
 * Defines a graph of steps. Define it, its products and its steps at a
 * module's top level, and export it.
 * @example
 * const g = graph('etl');
 * export const rows = product<number[]>('rows');
 * step('load', g, () => [1, 2, 3]).produces(rows);
 * step('sum', g, (ctx) => ctx.get(rows).reduce((a, b) => a + b)).consumes(rows).produces(total);
 * export default g;
 * // weft run etl.ts, or: const { total } = await g.run();
 */
export function graph(name: string): Graph {
  if (typeof name !== 'string' || name === '' || name.length > 100) {
    throw new InvalidOptionError(
      `graph() needs a non-empty name of at most 100 characters, got ${describeValue(name)}`,
    );
  }
  const model = new GraphModel(name);
  const g = ((params?: Readonly<Record<string, unknown>>) => inRun(model, params)) as Graph;
  const start = (options: RunOptions = {}): GraphRunHandle =>
    startAsRun(model, options, callerModule(start));
  const run = (options: RunOptions = {}): Promise<ProductValues> => {
    try {
      return startAsRun(model, options, callerModule(run)).result();
    } catch (error) {
      return Promise.reject(error);
    }
  };
  Object.defineProperties(g, {
    name: { value: name },
    [MODEL]: { value: model },
    [TASKS]: { get: () => model.steps.map((s) => s.task), enumerable: false },
    steps: { value: () => [...model.steps] },
    products: { value: () => model.products() },
    check: { value: () => checkGraph(model) },
    start: { value: start },
    run: { value: run },
    describe: { value: () => describeGraph(model) },
    toString: { value: () => `graph ${name}` },
  });
  return g;
}

/** True for a graph made by `graph()`. */
export function isGraph(value: unknown): value is Graph {
  return (
    typeof value === 'function' && (value as { [MODEL]?: unknown })[MODEL] instanceof GraphModel
  );
}

/** Adds the graph to the run of the current scope (a run's main function). */
function inRun(
  model: GraphModel,
  params: Readonly<Record<string, unknown>> | undefined,
): StepFutures {
  const scope = submitScope.getStore();
  if (scope === undefined) {
    throw new InvalidOptionError(
      `graph ${model.name} was called outside a run: call it in a run's main function (a workflow whose ` +
        'default export is the graph is one), or run it with graph.run() or graph.start()',
    );
  }
  const refs = addGraph(model, scope, params ?? {});
  const out: StepFutures = {};
  for (const [s, ref] of refs) out[s.name] = new Future<ProductValues>(scope.graph, ref);
  return out;
}

/**
 * Adds one node per step to the scope's run, producers first; returns the
 * nodes by step. Checks the graph first: nothing is added to a graph that
 * is wrong, nor twice to one run.
 */
export function addGraph(
  model: GraphModel,
  scope: SubmitScope,
  params: Readonly<Record<string, unknown>>,
): Map<Step, number> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new InvalidOptionError(`graph ${model.name}: params must be a plain object`);
  }
  const ordered = checkGraph(model);
  const graph = scope.graph;
  if (!addedTo(graph, model)) {
    throw new InvalidOptionError(
      `graph ${model.name} was already added to run ${graph.runId}; a graph runs once per run`,
    );
  }
  const refs = new Map<Step, number>();
  const priorities = stepPriorities(model, ordered);
  for (let k = 0; k < ordered.length; k++) {
    const s = ordered[k]!;
    const inputs: Record<string, NodeOutput> = {};
    const from: Record<string, string> = {};
    const paths: Record<string, string> = {};
    for (const p of s.consumed) {
      const producer = model.producers.get(p)!;
      inputs[producer.name] ??= outputOf(graph, refs.get(producer)!);
      if (p.isFile) paths[p.name] = p.path()!;
      else from[p.name] = producer.name;
    }
    for (const p of s.produced) if (p.isFile) paths[p.name] = p.path()!;
    const call: StepCall = { params, in: inputs, from, paths };
    const ref = graph.add({
      task: s.task,
      args: [call],
      parent: scope.parentId,
      options: { ...nodeOptionsOf(s.chain), priority: priorities[k]! },
    });
    refs.set(s, ref);
    for (const p of s.produced) noteProducer(graph, p, p.name, ref);
  }
  return refs;
}

/**
 * The graph is known before it runs: each step's priority is its longest
 * remaining path to the end, in steps (its producers before it), after the
 * step's own `priority`, which comes first (see `graph/longest-path.ts`).
 */
function stepPriorities(model: GraphModel, ordered: readonly Step[]): Int32Array {
  const index = new Map<Step, number>();
  for (let k = 0; k < ordered.length; k++) index.set(ordered[k]!, k);
  const parents = ordered.map((s) => {
    const from = new Set<number>();
    for (const p of s.consumed) from.add(index.get(model.producers.get(p)!)!);
    return [...from];
  });
  const user = ordered.map((s) => s.task.options.priority);
  return longestPathPriorities(plannedGraph(parents), { user });
}

function startAsRun(
  model: GraphModel,
  options: RunOptions,
  caller: string | undefined,
): GraphRunHandle {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(`graph ${model.name}: start() takes run options (an object)`);
  }
  checkGraph(model); // before a run is opened
  const workflow = options.workflow ?? caller;
  const opts = workflow?.startsWith('file:')
    ? { ...options, workflow: fileURLToPath(workflow) }
    : { ...options, ...(workflow === undefined ? {} : { workflow }) };
  let refs: Map<Step, number> | undefined;
  let runScope: SubmitScope | undefined;
  const run = startGraph<ProductValues>(
    (scope) => {
      runScope = scope;
      refs = addGraph(model, scope, options.params ?? {});
    },
    opts,
    async () => {
      const out: ProductValues = {};
      const all = [...refs!];
      const values = await Promise.all(
        all.map(([, ref]) => new Future<ProductValues>(runScope!.graph, ref)),
      );
      for (const v of values) Object.assign(out, v);
      return out;
    },
  );
  let events: AsyncIterable<RunEvent> | undefined;
  return {
    id: run.id,
    get events() {
      events ??= run.ended ? emptyStream() : eventStream(run.bus);
      return events;
    },
    cancel: (reason = 'cancelled by GraphRunHandle.cancel()') => run.cancel(reason),
    result: () => run.result,
    taskId: (name) => {
      for (const [s, ref] of refs ?? []) if (s.name === name) return ref;
      return undefined;
    },
    log: run.log,
  };
}

/** The graph as text, producers first. */
function describeGraph(model: GraphModel): string {
  const lines = [`graph ${model.name}`];
  for (const s of checkGraph(model)) {
    const names = (ps: readonly Product[]) => ps.map((p) => p.name).join(', ') || '-';
    lines.push(
      `  step ${s.name}: consumes ${names(s.consumed)}; produces ${names(s.produced)}; ` +
        `behaviours ${s.chain.map((b) => b.name).join(' > ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
