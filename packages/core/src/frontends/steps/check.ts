/**
 * @module
 * Checking a graph of steps before anything runs: every consumed product
 * has a producer (`StepProductUnproducedError`), and no steps wait on each
 * other in a loop (`StepCycleError`, naming the loop and its products).
 * What it gives back is the steps in an order where every step comes after
 * its producers (declaration order where that holds), the order their
 * nodes are added in.
 */
import { StepCycleError, StepProductUnproducedError } from '../../errors/steps.ts';
import type { Product } from './product.ts';
import type { GraphModel, Step } from './step.ts';

/** A step's consumers, with the product each consumes from it. */
type Edges = Map<Step, [Step, Product][]>;

/** The graph's steps, producers first; throws the first problem found. */
export function checkGraph(model: GraphModel): Step[] {
  const edges: Edges = new Map(model.steps.map((s) => [s, []]));
  const unproduced = new Map<Product, string[]>();
  for (const s of model.steps) {
    for (const p of s.consumed) {
      const producer = model.producers.get(p);
      if (producer === undefined) {
        const list = unproduced.get(p) ?? [];
        list.push(s.name);
        unproduced.set(p, list);
      } else edges.get(producer)!.push([s, p]);
    }
  }
  const first = unproduced.entries().next().value;
  if (first !== undefined)
    throw new StepProductUnproducedError(model.name, first[0].name, first[1]);
  findCycle(model, edges);
  return order(model, edges);
}

/** Throws `StepCycleError` for the first loop a depth-first walk meets. */
function findCycle(model: GraphModel, edges: Edges): void {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Map<Step, number>(model.steps.map((s) => [s, WHITE]));
  const path: Step[] = [];
  const via: Product[] = [];
  // Iterative, so that a long chain of steps cannot overflow the stack.
  for (const root of model.steps) {
    if (colour.get(root) !== WHITE) continue;
    const stack: [Step, number][] = [[root, 0]];
    colour.set(root, GREY);
    path.push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [s, i] = top;
      const out = edges.get(s)!;
      if (i === out.length) {
        colour.set(s, BLACK);
        stack.pop();
        path.pop();
        via.pop();
        continue;
      }
      top[1] = i + 1;
      const [next, p] = out[i]!;
      const c = colour.get(next);
      if (c === GREY) {
        const at = path.indexOf(next);
        const loop = [...path.slice(at), next].map((x) => x.name);
        const products = [...via.slice(at), p].map((x) => x.name);
        throw new StepCycleError(model.name, loop, products);
      }
      if (c === WHITE) {
        colour.set(next, GREY);
        path.push(next);
        via.push(p);
        stack.push([next, 0]);
      }
    }
  }
}

/** A topological order, stable: among steps whose producers are placed, the first declared first. */
function order(model: GraphModel, edges: Edges): Step[] {
  const waiting = new Map<Step, number>(model.steps.map((s) => [s, 0]));
  for (const out of edges.values()) {
    const seen = new Set<Step>();
    for (const [c] of out) {
      if (seen.has(c)) continue;
      seen.add(c);
      waiting.set(c, waiting.get(c)! + 1);
    }
  }
  const index = new Map(model.steps.map((s, i) => [s, i]));
  const ready = model.steps.filter((s) => waiting.get(s) === 0);
  const out: Step[] = [];
  while (ready.length > 0) {
    // Few steps are ready at once: a linear pick of the earliest keeps declaration order.
    let best = 0;
    for (let k = 1; k < ready.length; k++) {
      if (index.get(ready[k]!)! < index.get(ready[best]!)!) best = k;
    }
    const s = ready.splice(best, 1)[0]!;
    out.push(s);
    const seen = new Set<Step>();
    for (const [c] of edges.get(s)!) {
      if (seen.has(c)) continue;
      seen.add(c);
      const left = waiting.get(c)! - 1;
      waiting.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  return out;
}
