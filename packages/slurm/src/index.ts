/**
 * @module
 * `@weft/slurm`: weft on Slurm clusters. The `slurm` executor runs each
 * ready task as a batch job (`mode: 'jobs'`, job arrays for wide
 * fan-outs), holds nodes with pilot jobs that run tasks as they come
 * (`mode: 'pilot'`, through @weft/queue), or hands the whole graph to Slurm
 * with its dependencies for `weft submit` (`mode: 'delayed'`). MPI command
 * tasks (`command({ name, ranks: 4 }, spec)`) run through `srun` in a job.
 * Importing this module registers the executor kind.
 */
export {
  type KillReason,
  ModuleOutsideRootError,
  SbatchRejectedError,
  SLURM_ERRORS,
  SlurmCommandError,
  SlurmJobKilledError,
  SlurmJobLostError,
  SlurmNotFoundError,
  SlurmOptionsError,
} from './errors.ts';
export { slurmFollower } from './follower.ts';
export type { PilotOptions, SlurmMode, SlurmOptions } from './options.ts';
export { default as plugin } from './plugin.ts';
export { type SbatchOptions, withSbatch } from './sbatch-args.ts';
export { createSlurmExecutor, slurm } from './slurm.ts';
export type { SlurmRecord } from './submitter.ts';
