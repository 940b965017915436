/**
 * @module
 * MPI command tasks (`command({ name, ranks: 4 }, spec)`): the program
 * starts as `ranks` processes. Inside a Slurm job (`SLURM_JOB_ID` is set)
 * Slurm's own launcher starts them in the job's allocation (`srun -n 4`);
 * elsewhere Open MPI's (`mpirun -np 4`), which as root needs
 * `--allow-run-as-root`, and `--oversubscribe` because weft has already
 * given the task its `ranks` cpus (Open MPI would count cores, not cpus).
 */
import type { CompiledSpec } from './spec.ts';

/** `spec` started as `ranks` MPI processes. */
export function mpiSpec(
  spec: CompiledSpec,
  ranks: number,
  env: NodeJS.ProcessEnv = process.env,
): CompiledSpec {
  const n = String(ranks);
  const launcher =
    env.SLURM_JOB_ID !== undefined
      ? ['srun', '--ntasks', n, '--quiet']
      : [
          'mpirun',
          '-np',
          n,
          '--oversubscribe',
          ...(process.getuid?.() === 0 ? ['--allow-run-as-root'] : []),
        ];
  const [file, ...prefix] = launcher as [string, ...string[]];
  const args = [...prefix, spec.file, ...spec.args];
  return { ...spec, file, args, argv: [file, ...args] };
}
