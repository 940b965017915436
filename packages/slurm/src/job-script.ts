/**
 * @module
 * Submitting jobs that run `weft exec`: the batch script (this Node and
 * this weft, so that the job runs the version that wrote its task file;
 * the keys it runs in a row, or an array's keys picked by
 * `SLURM_ARRAY_TASK_ID`) and
 * the sbatch call, whose refusal is `SbatchRejectedError` with sbatch's own
 * message.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { weftCommand } from '@weft/core/worker';
import { slurm } from './commands.ts';
import { SbatchRejectedError } from './errors.ts';
import { type SbatchOptions, toArgs } from './sbatch-args.ts';

/** One job, or one job array, to submit. */
export interface JobRequest {
  /** The run directory the task files are in. */
  readonly dir: string;
  /** The project root `weft exec` imports from. */
  readonly root: string;
  /** The working directory of the job. */
  readonly cwd: string;
  /** The task file keys: one per array element (`array`), else those the job runs in a row. */
  readonly keys: readonly string[];
  /** Becomes the job's name, `weft:<task>`. */
  readonly task: string;
  /** For messages: the task(s), `align#3`. */
  readonly what: string;
  readonly options: SbatchOptions;
  /** Job ids (or `id_index`) that must complete first. */
  readonly after: readonly string[];
  /** Submit as an array even of one key. */
  readonly array: boolean;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Submits the job; resolves with its id. */
export async function submitJob(r: JobRequest): Promise<string> {
  const [node, weft] = weftCommand();
  mkdirSync(join(r.dir, 'jobs'), { recursive: true });
  mkdirSync(join(r.dir, 'logs'), { recursive: true });
  const first = r.keys[0]!;
  const script = join(r.dir, 'jobs', `${first}.sh`);
  // Node's compile cache, shared by the jobs of every run: a job starts in about half the cpu time.
  const cache = `export NODE_COMPILE_CACHE="\${NODE_COMPILE_CACHE:-${join(r.dir, '..', '.node-compile-cache').replace(/["$`\\]/g, '\\$&')}}"\n`;
  const exec = `${cache}exec ${quote(node)} ${quote(weft)} exec ${quote(r.dir)}`;
  const root = `--root ${quote(r.root)}`;
  writeFileSync(
    script,
    r.array
      ? `#!/bin/bash\nkeys=(${r.keys.join(' ')})\n${exec} "\${keys[$SLURM_ARRAY_TASK_ID]}" ${root}\n`
      : `#!/bin/sh\n${exec} ${r.keys.map(quote).join(' ')} ${root}\n`,
  );
  const args = [
    '--parsable',
    `--job-name=weft:${r.task}`,
    `--chdir=${r.cwd}`,
    `--output=${join(r.dir, 'logs', r.array ? `${first}-%a.out` : `${first}.out`)}`,
    ...(r.array ? [`--array=0-${r.keys.length - 1}`] : []),
    ...(r.after.length === 0
      ? []
      : [`--dependency=afterok:${r.after.join(':')}`, '--kill-on-invalid-dep=yes']),
    ...toArgs(r.options),
    script,
  ];
  const out = await slurm('sbatch', args);
  const id = out.stdout.trim().split(';')[0] ?? '';
  if (out.code !== 0 || !/^\d+$/.test(id))
    throw new SbatchRejectedError(r.what, out.stderr || out.stdout);
  return id;
}

/** The job id of element `i` of a job (an array's, else the job itself). */
export function elementId(job: string, array: boolean, i: number): string {
  return array ? `${job}_${i}` : job;
}

/** Cancels jobs (`id` or `id_index`); an unknown or finished one is not an error. */
export async function cancelJobs(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await slurm('scancel', [...ids]);
}
