/**
 * @module
 * The steps front end (`steps` in `@weft/core`; `graph`, `product`, `step`
 * and `onPool` also at the top level): a graph declared as objects. Steps
 * produce and consume products (values or files); a product flows from the
 * one step that produces it to the steps that consume it. How a step runs
 * is an ordered, inspectable chain of behaviours around its action (cache,
 * wait-for-producers, pool, retry, timeout, and one's own), the built-in
 * ones mapped onto the node options the scheduler honours for every front
 * end. Each step is a node of the run's graph like any task: on any
 * executor, recorded, resumable, cached.
 * @example
 * import { graph, product, step } from '@weft/core';
 * const g = graph('etl');
 * export const rows = product<number[]>('rows');
 * export const total = product<number>('total');
 * step('load', g, () => [1, 2, 3]).produces(rows);
 * step('sum', g, (ctx) => ctx.get(rows).reduce((a, b) => a + b, 0)).consumes(rows).produces(total);
 * export default g; // weft run etl.ts; or await g.run()
 */

export type { ProductValues, StepCall } from './action.ts';
export {
  type BehaviourInfo,
  type BehaviourSpec,
  BUILT_IN_NAMES,
  behaviour,
  type NodeOptions,
  onPool,
  type Placement,
  retry,
  type StepBehaviour,
  timeout,
  type WithChain,
} from './behaviours.ts';
export type { StepContext } from './context.ts';
export { type Graph, type GraphRunHandle, graph, isGraph, type StepFutures } from './graph.ts';
export { isProduct, Product, type ProductOptions, product } from './product.ts';
export { Step, type StepOptions, step } from './step.ts';
