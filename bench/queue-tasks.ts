/**
 * @module
 * The tasks of the queue benchmark, in a module of their own: `weft worker`
 * processes import it (the benchmark starts them with `--preload`).
 */
import { task } from '@weft/core';

/** Does nothing. */
export const noop = task('bench.queue.noop', async () => undefined);

/** One link of a chain: its input plus one. */
export const link = task('bench.queue.link', async (_ctx, n: number) => n + 1);
