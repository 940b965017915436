/**
 * @module
 * The tasks of the Slurm benchmark, in a module of their own inside the
 * repository (the project root): each job's `weft exec` imports it.
 */
import { task } from '@weft/core';

/** Does nothing. */
export const noop = task('bench.slurm.noop', async () => null);

/** One link of a chain: its input plus one. */
export const link = task('bench.slurm.link', async (_ctx, n: number) => n + 1);
