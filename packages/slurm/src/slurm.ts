/**
 * @module
 * The `slurm` executor as users choose it: `slurm({...})` in a resource set,
 * `{ kind: 'slurm', ... }` in config, or `--executor slurm`. Creating it
 * checks the options and that Slurm answers (its largest node's size, which
 * a task may not exceed). The kind, and the follower of delayed runs, are
 * registered when this module loads.
 */
import type { ResourceDefinition } from '@weft/core';
import {
  type Executor,
  executorOfKind,
  registerBatchFollower,
  registerExecutorKind,
} from '@weft/core/executor';
import { nodeLimits } from './cluster.ts';
import { slurmFollower } from './follower.ts';
import { SlurmJobsExecutor } from './jobs-executor.ts';
import { compileSlurmOptions, type SlurmOptions } from './options.ts';

/**
 * A slurm executor, connected to the cluster.
 * @example
 * const executor = await createSlurmExecutor({ sbatch: { partition: 'debug' } });
 */
export async function createSlurmExecutor(options: SlurmOptions = {}): Promise<Executor> {
  const compiled = compileSlurmOptions(options as Readonly<Record<string, unknown>>);
  const partition = compiled.sbatch.partition;
  const limits = await nodeLimits(typeof partition === 'string' ? partition : undefined);
  if (compiled.mode === 'pilot') {
    const { PilotExecutor } = await import('./pilot/pilot-executor.ts');
    return PilotExecutor.create(compiled, limits);
  }
  return new SlurmJobsExecutor(compiled, limits);
}

const factory = (options: Readonly<Record<string, unknown>>): Promise<Executor> =>
  createSlurmExecutor(options as SlurmOptions);

registerExecutorKind('slurm', factory);
registerBatchFollower('slurm', slurmFollower);

/**
 * The slurm executor, as a resource definition for the `executor` key of a
 * resource set. Options are checked now.
 * @example
 * const hpc = resourceSet({ executor: slurm({ mode: 'jobs', sbatch: { partition: 'short' } }) });
 */
export function slurm(options: SlurmOptions = {}): ResourceDefinition<Executor> {
  compileSlurmOptions(options as Readonly<Record<string, unknown>>);
  return executorOfKind('slurm', options as Readonly<Record<string, unknown>>);
}

/** The factory of the `slurm` kind, for `definePlugin({ executors })`. */
export const slurmExecutorFactory = factory;
