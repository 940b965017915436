/**
 * @module
 * What a run knows of the step graphs added to it (the node of each
 * product's producer), and what a running step knows (the values of the
 * products it consumes): how `product.future()` finds a product in the
 * current run. Products are keys here as plain objects, so that this file
 * does not import the product module, which imports it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { processGlobal } from '../../util/process-global.ts';
import type { NodeGraph } from '../../vocabulary/node.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import { Future } from '../futures/future.ts';
import { productValue } from './value-task.ts';

interface Producer {
  readonly ref: number;
  readonly name: string;
}

/** The products of the graphs added to a run, with their producers' nodes and the futures made of them. */
interface RunProducts {
  readonly producers: Map<object, Producer>;
  readonly futures: Map<object, Future>;
}

const runs = new WeakMap<NodeGraph, RunProducts>();
const graphs = new WeakMap<NodeGraph, Set<object>>();

/** Notes that the step graph `model` is added to `graph`; false when it already was. */
export function addedTo(graph: NodeGraph, model: object): boolean {
  let added = graphs.get(graph);
  if (added === undefined) {
    added = new Set();
    graphs.set(graph, added);
  }
  if (added.has(model)) return false;
  added.add(model);
  return true;
}

/** The products a step's attempt consumes, with their values, and the futures made of them. */
export interface StepInputs {
  readonly values: ReadonlyMap<object, unknown>;
  readonly futures: Map<object, Future>;
}

/** Set around a step's action wherever it runs (one store per process, as the submit scope). */
export const stepInputs: AsyncLocalStorage<StepInputs> = processGlobal(
  'weft.steps.inputs',
  () => new AsyncLocalStorage<StepInputs>(),
);

/** Notes that node `ref` of `graph` produces `product` (named `name`). */
export function noteProducer(graph: NodeGraph, product: object, name: string, ref: number): void {
  let known = runs.get(graph);
  if (known === undefined) {
    known = { producers: new Map(), futures: new Map() };
    runs.set(graph, known);
  }
  known.producers.set(product, { ref, name });
}

/** The node that produces `product` in `graph`, if its graph was added there. */
export function producerIn(graph: NodeGraph, product: object): number | undefined {
  return runs.get(graph)?.producers.get(product)?.ref;
}

/**
 * The future of `product` in the current scope: in a step that consumes
 * it, a node holding the value it has; in a run its graph was added to,
 * the part of its producer's value that is the product. Undefined when
 * neither knows it. One future per product and scope.
 */
export function productFuture(product: object): Future | undefined {
  const scope = submitScope.getStore();
  if (scope === undefined) return undefined;
  const step = stepInputs.getStore();
  if (step?.values.has(product)) {
    let f = step.futures.get(product);
    if (f === undefined) {
      const value = step.values.get(product);
      const ref = scope.graph.add({ task: productValue, args: [value], parent: scope.parentId });
      f = new Future(scope.graph, ref);
      step.futures.set(product, f);
    }
    return f;
  }
  const known = runs.get(scope.graph);
  const producer = known?.producers.get(product);
  if (known === undefined || producer === undefined) return undefined;
  let f = known.futures.get(product);
  if (f === undefined) {
    f = new Future(scope.graph, producer.ref).get(producer.name);
    known.futures.set(product, f);
  }
  return f;
}
