/**
 * @module
 * The tasks the batch submitter contract hands to batch systems. They sit
 * at module top level and this module imports no vitest, so that a batch
 * job anywhere can import it and find them by name.
 */
import { task } from '../index.ts';

/** Returns its argument. */
export const value = task('batch.value', async (_ctx, v: unknown) => v);

export const add = task('batch.add', async (_ctx, a: number, b: number) => a + b);

/** `{ left, right }` summed: takes its inputs inside an object. */
export const addPair = task(
  'batch.addPair',
  async (_ctx, pair: { readonly left: number; readonly right: readonly number[] }) =>
    pair.left + pair.right.reduce((a, b) => a + b, 0),
);

export const sum = task('batch.sum', async (_ctx, ...xs: number[]) =>
  xs.reduce((a, b) => a + b, 0),
);

/** Fails with `message`. */
export const fail = task('batch.fail', async (_ctx, message: string): Promise<never> => {
  throw new Error(message);
});
