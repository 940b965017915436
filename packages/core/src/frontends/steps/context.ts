/**
 * @module
 * What a step's function (and each behaviour around it) receives: the task
 * context of its attempt, the values of the products it consumes
 * (`ctx.get`), where it puts those it produces (`ctx.put`; a file product
 * is written at `ctx.path(p)`), the run's params, and the names of the
 * behaviours that ran around this attempt so far, in order.
 */
import { StepProductUnavailableError } from '../../errors/steps.ts';
import type { Logger } from '../../vocabulary/logger.ts';
import type { TaskContext } from '../../vocabulary/task.ts';
import type { Product } from './product.ts';

/** The context of one attempt of a step. */
export interface StepContext extends TaskContext {
  /** The step's name. */
  readonly step: string;
  /** Its graph's name. */
  readonly graph: string;
  /** The params the graph was run with (`weft run --param`, `g.start({ params })`). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The value of a product the step consumes (a file product's: its absolute path). */
  get<T>(product: Product<T>): T;
  /** Puts the value of a value product the step produces. */
  put<T>(product: Product<T>, value: T): void;
  /** The absolute path of a file product the step consumes or produces. */
  path(product: Product): string;
  /** The behaviours that ran around this attempt so far, outermost first. */
  readonly chain: readonly string[];
}

/** What the step's attempt knows besides its task context. */
export interface StepFacts {
  readonly step: string;
  readonly graph: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Consumed products and their values. */
  readonly inputs: ReadonlyMap<Product, unknown>;
  /** Produced products, and the values put so far. */
  readonly produces: ReadonlySet<Product>;
  readonly put: Map<Product, unknown>;
  /** Absolute paths of the file products it consumes and produces, by product name. */
  readonly paths: Readonly<Record<string, string>>;
  readonly chain: string[];
}

/** The context of a step's attempt. */
export function stepContext(ctx: TaskContext, facts: StepFacts): StepContext {
  const who = `step ${facts.step}`;
  return {
    runId: ctx.runId,
    taskId: ctx.taskId,
    name: ctx.name,
    attempt: ctx.attempt,
    label: ctx.label,
    get log(): Logger {
      return ctx.log;
    },
    signal: ctx.signal,
    resources: ctx.resources,
    step: facts.step,
    graph: facts.graph,
    params: facts.params,
    chain: facts.chain,
    get<T>(product: Product<T>): T {
      if (!facts.inputs.has(product)) {
        throw new StepProductUnavailableError(
          String(product?.name),
          `${who} does not consume it; declare it with ${facts.step}.consumes(product)`,
        );
      }
      return facts.inputs.get(product) as T;
    },
    put<T>(product: Product<T>, value: T): void {
      if (!facts.produces.has(product)) {
        throw new StepProductUnavailableError(
          String(product?.name),
          `${who} does not produce it; declare it with ${facts.step}.produces(product)`,
        );
      }
      if (product.isFile) {
        throw new StepProductUnavailableError(
          product.name,
          `it is a file: ${who} writes it at ctx.path(product) (${facts.paths[product.name]}) instead of putting a value`,
        );
      }
      facts.put.set(product, value);
    },
    path(product: Product): string {
      const path = product?.isFile ? facts.paths[product.name] : undefined;
      if (path === undefined || !(facts.inputs.has(product) || facts.produces.has(product))) {
        throw new StepProductUnavailableError(
          String(product?.name),
          product?.isFile
            ? `${who} neither consumes nor produces it`
            : 'it is a value, not a file: use ctx.get / ctx.put',
        );
      }
      return path;
    },
  };
}
