/**
 * @module
 * A step's attempt as it runs, wherever its task runs (in the coordinator,
 * a worker thread or process, another machine): it takes the values of the
 * products the step consumes out of its producers' values, runs the
 * behaviour chain in order around the step's function, then checks that
 * every product the step declared was produced (`StepProductMissingError`)
 * and returns them, by name: the value of the step's node.
 */
import { existsSync } from 'node:fs';
import { InvalidOptionError } from '../../errors/run.ts';
import { StepProductMissingError } from '../../errors/steps.ts';
import type { TaskContext } from '../../vocabulary/task.ts';
import type { StepBehaviour } from './behaviours.ts';
import { type StepContext, type StepFacts, stepContext } from './context.ts';
import type { Product } from './product.ts';
import { stepInputs } from './runs.ts';

/** The argument of a step's node: what its attempt needs from the run. */
export interface StepCall {
  /** The params the graph was added with. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The values of the step's producers (node outputs when added), by producer step name. */
  readonly in: Readonly<Record<string, unknown>>;
  /** The value products it consumes: product name to producer step name. */
  readonly from: Readonly<Record<string, string>>;
  /** Absolute paths of the file products it consumes and produces, by product name. */
  readonly paths: Readonly<Record<string, string>>;
}

/** What running a step needs of its definition. */
export interface ActionDef {
  readonly name: string;
  readonly graphName: string;
  readonly fn: (ctx: StepContext) => unknown;
  readonly consumed: readonly Product[];
  readonly produced: readonly Product[];
  readonly chain: readonly StepBehaviour[];
}

/** The products a step made, by name (a file product's value is its path). */
export type ProductValues = Record<string, unknown>;

/** Runs one attempt of a step: its chain, its function, the check of its products. */
export async function runAction(
  def: ActionDef,
  task: TaskContext,
  call: StepCall,
): Promise<ProductValues> {
  const inputs = new Map<Product, unknown>();
  for (const p of def.consumed) {
    if (p.isFile) inputs.set(p, call.paths[p.name]);
    else {
      const record = call.in[call.from[p.name]!] as ProductValues | undefined;
      inputs.set(p, record?.[p.name]);
    }
  }
  const facts: StepFacts = {
    step: def.name,
    graph: def.graphName,
    params: call.params ?? {},
    inputs,
    produces: new Set(def.produced),
    put: new Map(),
    paths: call.paths ?? {},
    chain: [],
  };
  const ctx = stepContext(task, facts);
  const chain = def.chain;
  let returned: unknown;
  const from = async (i: number): Promise<void> => {
    if (i === chain.length) {
      returned = await def.fn(ctx);
      return;
    }
    const b = chain[i]!;
    facts.chain.push(b.name);
    if (b.run === undefined) return from(i + 1);
    let called = false;
    await b.run(ctx, () => {
      if (called) {
        throw new InvalidOptionError(
          `behaviour ${b.name} of step ${def.name} called next() twice; it goes on once`,
        );
      }
      called = true;
      return from(i + 1);
    });
  };
  await stepInputs.run({ values: inputs, futures: new Map() }, () => from(0));
  return productsOf(def, facts, returned);
}

/** The step's products, by name; throws naming the first one it did not produce. */
function productsOf(def: ActionDef, facts: StepFacts, returned: unknown): ProductValues {
  const values = def.produced.filter((p) => !p.isFile);
  // A step that produces one value may return it instead of putting it.
  if (values.length === 1 && !facts.put.has(values[0]!) && returned !== undefined) {
    facts.put.set(values[0]!, returned);
  }
  const out: ProductValues = {};
  for (const p of def.produced) {
    if (p.isFile) {
      const path = facts.paths[p.name]!;
      if (!existsSync(path)) {
        throw new StepProductMissingError(
          def.name,
          p.name,
          `its file ${path} does not exist (write it at ctx.path(product))`,
        );
      }
      out[p.name] = path;
    } else if (facts.put.has(p)) out[p.name] = facts.put.get(p);
    else {
      throw new StepProductMissingError(
        def.name,
        p.name,
        values.length === 1
          ? 'its function neither called ctx.put(product, value) nor returned a value'
          : 'its function did not call ctx.put(product, value)',
      );
    }
  }
  return out;
}
