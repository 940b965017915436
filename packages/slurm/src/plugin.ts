/**
 * @module
 * The `@weft/slurm` plugin, which the `weft` command loads when a project
 * declares the package (or lists it in `plugins` of its weft.config.ts):
 * the `slurm` executor kind (and the follower of delayed runs, registered
 * with it) and the package's error classes.
 */
import { definePlugin } from '@weft/core/cli';
import { SLURM_ERRORS } from './errors.ts';
import { slurmExecutorFactory } from './slurm.ts';

export default definePlugin({
  name: '@weft/slurm',
  executors: { slurm: slurmExecutorFactory },
  errors: SLURM_ERRORS,
});
