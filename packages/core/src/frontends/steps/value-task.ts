/**
 * @module
 * `weft.steps.value`: the built-in task behind `product.future()` inside a
 * running step, which hands a product the step consumes (its value is at
 * hand) to `submit` as a future. It runs wherever tasks run: a worker
 * imports it from this module by its name, like any task.
 */
import { task } from '../../vocabulary/task.ts';

/** Returns its argument: a product's value, as a node of the run. */
export const productValue = task('weft.steps.value', (_ctx, value: unknown) => value);
