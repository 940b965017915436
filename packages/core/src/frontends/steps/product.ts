/**
 * @module
 * `product(name)`: what flows between steps. A product is a value (what
 * its producer puts with `ctx.put`) or a file (`product(name, { file })`:
 * its value is the file's path, and its producer must write the file).
 * Products are defined at module top level, like tasks, so that a worker
 * importing the module sees the same graph.
 */
import { resolve } from 'node:path';
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import { StepProductUnavailableError } from '../../errors/steps.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import type { Future } from '../futures/future.ts';
import { productFuture } from './runs.ts';

/** Options of `product()`. */
export interface ProductOptions {
  /**
   * The product is this file (relative to the working directory): its value
   * is the path, its producer writes it, and its content joins the cache
   * key of every step that consumes it. @default none: a value
   */
  readonly file?: string;
}

const PRODUCT = Symbol.for('weft.steps.product');

/** A product: a named value or file that one step produces and others consume. */
export class Product<T = unknown> {
  readonly name: string;
  /** The file it is, as given; undefined for a value. */
  readonly file: string | undefined;
  /** @internal For typing only. */
  declare readonly type?: T;

  constructor(name: string, file: string | undefined) {
    this.name = name;
    this.file = file;
  }

  get [PRODUCT](): true {
    return true;
  }

  /** True for a file product. */
  get isFile(): boolean {
    return this.file !== undefined;
  }

  /** The file's absolute path (from the working directory); undefined for a value. */
  path(): string | undefined {
    return this.file === undefined ? undefined : resolve(this.file);
  }

  /**
   * The product as a future of the current run, to hand to `submit`: the
   * run's main code gets it once the product's graph was added to the run
   * (`g()` or `g.start()`), and a running step gets the products it
   * consumes. Throws `StepProductUnavailableError` elsewhere.
   * @example
   * export default function main() {
   *   pipeline();
   *   return submit(publish, report.future());
   * }
   */
  future(): Future<T> {
    if (submitScope.getStore() === undefined) {
      throw new StepProductUnavailableError(this.name, 'future() is called inside a run');
    }
    const f = productFuture(this);
    if (f === undefined) {
      throw new StepProductUnavailableError(
        this.name,
        'this run does not know it: add its graph to the run first (call the graph in main), ' +
          'or, in a step, consume the product',
      );
    }
    return f as Future<T>;
  }

  toString(): string {
    return this.file === undefined ? `product ${this.name}` : `product ${this.name} (${this.file})`;
  }
}

/**
 * Defines a product: a value (the default) or a file.
 * @example
 * export const rows = product<number[]>('rows');
 * export const report = product('report', { file: 'out/report.txt' });
 */
export function product<T = unknown>(name: string, options: ProductOptions = {}): Product<T> {
  if (typeof name !== 'string' || name === '' || name.length > 200) {
    throw new InvalidOptionError(
      `product() needs a non-empty name of at most 200 characters, got ${describeValue(name)}`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(`product ${name}: options must be an object ({ file })`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'file') throw new InvalidOptionError(`product ${name}: unknown option ${key}`);
  }
  const file = options.file;
  if (file !== undefined && (typeof file !== 'string' || file === '')) {
    throw new InvalidOptionError(
      `product ${name}: file must be a non-empty path, got ${describeValue(file)}`,
    );
  }
  return new Product<T>(name, file);
}

/** True for a product made by `product()`, from any copy of weft. */
export function isProduct(value: unknown): value is Product {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[PRODUCT] === true
  );
}
