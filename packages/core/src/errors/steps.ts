/**
 * @module
 * The errors of the steps front end (graphs of steps that produce and
 * consume products): a product consumed but produced by no step, a product
 * two steps produce, steps that wait on each other in a loop, a behaviour
 * chain naming a behaviour weft does not know or holding one twice, and a
 * step that finished without producing what it declared. Each names the
 * graph, the steps and the products at fault.
 */
import { WeftError } from './base.ts';

/** A step consumes a product that no step of its graph produces. */
export class StepProductUnproducedError extends WeftError {
  readonly retryable = false;
  readonly graph: string;
  readonly product: string;
  /** The steps that consume it. */
  readonly consumers: readonly string[];
  constructor(graph: string, product: string, consumers: readonly string[]) {
    super(
      'WEFT_STEP_PRODUCT_UNPRODUCED',
      `graph ${graph}: product ${JSON.stringify(product)} is consumed by ${consumers.map((s) => `step ${s}`).join(', ')} ` +
        'but no step of the graph produces it; declare its producer with producer.produces(product)',
    );
    this.graph = graph;
    this.product = product;
    this.consumers = consumers;
  }
}

/** Two steps of one graph produce the same product. */
export class StepProductTwiceError extends WeftError {
  readonly retryable = false;
  readonly graph: string;
  readonly product: string;
  /** The two steps, the first declared first. */
  readonly steps: readonly string[];
  constructor(graph: string, product: string, first: string, second: string) {
    super(
      'WEFT_STEP_PRODUCT_TWICE',
      `graph ${graph}: product ${JSON.stringify(product)} is produced by two steps, ${first} and ${second}; ` +
        'a product has one producer (give the second its own product)',
    );
    this.graph = graph;
    this.product = product;
    this.steps = [first, second];
  }
}

/** Steps consume each other's products in a loop. */
export class StepCycleError extends WeftError {
  readonly retryable = false;
  readonly graph: string;
  /** The loop as steps, the first repeated at the end. */
  readonly loop: readonly string[];
  /** The products along it: `products[i]` goes from `loop[i]` to `loop[i + 1]`. */
  readonly products: readonly string[];
  constructor(graph: string, loop: readonly string[], products: readonly string[]) {
    const text = loop
      .map((s, i) => (i < products.length ? `${s} -(${products[i]})-> ` : s))
      .join('');
    super('WEFT_STEP_CYCLE', `graph ${graph}: steps wait on each other in a loop: ${text}`);
    this.graph = graph;
    this.loop = loop;
    this.products = products;
  }
}

/** A behaviour chain names a behaviour weft does not know. */
export class StepBehaviourUnknownError extends WeftError {
  readonly retryable = false;
  readonly step: string;
  readonly behaviour: string;
  constructor(step: string, behaviour: string, known: readonly string[]) {
    super(
      'WEFT_STEP_BEHAVIOUR_UNKNOWN',
      `step ${step}: unknown behaviour ${JSON.stringify(behaviour)} in its chain; the built-in ones are ` +
        `${known.join(', ')} (a behaviour of your own is passed as an object made by behaviour())`,
    );
    this.step = step;
    this.behaviour = behaviour;
  }
}

/** A behaviour is inserted into a step's chain a second time. */
export class StepBehaviourTwiceError extends WeftError {
  readonly retryable = false;
  readonly step: string;
  readonly behaviour: string;
  constructor(step: string, behaviour: string, chain: readonly string[]) {
    super(
      'WEFT_STEP_BEHAVIOUR_TWICE',
      `step ${step}: behaviour ${JSON.stringify(behaviour)} is already in its chain (${chain.join(' > ')}); ` +
        'each behaviour can be inserted once',
    );
    this.step = step;
    this.behaviour = behaviour;
  }
}

/** A step finished without producing a product it declared. */
export class StepProductMissingError extends WeftError {
  readonly retryable = false;
  readonly step: string;
  readonly product: string;
  constructor(step: string, product: string, why: string) {
    super(
      'WEFT_STEP_PRODUCT_MISSING',
      `step ${step} finished without producing product ${JSON.stringify(product)}: ${why}`,
    );
    this.step = step;
    this.product = product;
  }
}

/** A product's value was asked for where it is not known: a step that does not consume it, a run without its graph. */
export class StepProductUnavailableError extends WeftError {
  readonly retryable = false;
  readonly product: string;
  constructor(product: string, why: string) {
    super('WEFT_STEP_PRODUCT_UNAVAILABLE', `product ${JSON.stringify(product)}: ${why}`);
    this.product = product;
  }
}
