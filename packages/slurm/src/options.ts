/**
 * @module
 * The slurm executor's options, as users give them (`slurm({...})`,
 * `{ kind: 'slurm', ... }` in config, `--set executor.partition=...`), and
 * compiled once into the resolved form the executor uses.
 */
import { resolve } from 'node:path';
import type { Duration } from '@weft/core';
import { projectRoot } from '@weft/core/worker';
import { SlurmOptionsError } from './errors.ts';
import { checkSbatchOptions, type SbatchOptions } from './sbatch-args.ts';

/** How tasks run on the cluster. */
export type SlurmMode = 'jobs' | 'delayed' | 'pilot';

/** Options of pilot jobs (`mode: 'pilot'`). */
export interface PilotOptions {
  /** Pilot jobs started at once. @default 2 */
  readonly count?: number;
  /** Pilot jobs alive at most, replacements included. @default count */
  readonly max?: number;
  /** Cpus of each pilot job, which runs as many tasks at once. @default 1 */
  readonly cpus?: number;
  /** Memory of each pilot job, in MB. @default the cluster's default */
  readonly memoryMb?: number;
  /** Wall time of each pilot job (sbatch --time: `'30'` minutes, `'2:00:00'`). @default the partition's */
  readonly time?: string;
  /** Redis the pilots and this process share (the queue executor's `redis`). @default WEFT_REDIS_URL, else redis://127.0.0.1:6379 */
  readonly redis?: string;
  /** The queue's name. @default weft-pilot-<pid> */
  readonly queue?: string;
}

/** The slurm executor's options; every one has a default. */
export interface SlurmOptions {
  /**
   * `'jobs'`: each ready task is a batch job of its own (wide fan-outs of one
   * task go out as job arrays). `'delayed'`: for `weft submit`, which hands
   * the whole graph to Slurm and exits. `'pilot'`: pilot jobs hold nodes and
   * run tasks as they come, through @weft/queue. @default 'jobs'
   */
  readonly mode?: SlurmMode;
  /** sbatch options for every job, by their long names: `{ partition: 'debug', account: 'lab', qos: 'short' }`. */
  readonly sbatch?: SbatchOptions;
  /** sbatch options for the jobs of some tasks, by task name: `{ align: { partition: 'gpu' } }`. */
  readonly tasks?: Readonly<Record<string, SbatchOptions>>;
  /** How often the run's jobs are looked up (one squeue for all of them). @default '250ms' */
  readonly pollInterval?: Duration;
  /** Where run directories go; every node must see it at the same path. @default <project>/.weft/slurm */
  readonly dir?: string;
  /** Tasks of one kind handed out together that go out as one job array. @default 2 */
  readonly arrayMin?: number;
  /** Jobs of the run queued or running at once, at most (jobs mode). @default 10000 */
  readonly maxJobs?: number;
  /**
   * Delayed mode: a chain of tasks (each the only dependent of the one
   * before, with the same sbatch options) goes out as one job that runs
   * them in a row, saving Slurm's scheduling round between links; false
   * gives each task its own job. @default true
   */
  readonly fuseChains?: boolean;
  readonly pilots?: PilotOptions;
}

export interface CompiledPilotOptions {
  readonly count: number;
  readonly max: number;
  readonly cpus: number;
  readonly memoryMb: number | undefined;
  readonly time: string | undefined;
  readonly redis: string;
  readonly queue: string;
}

export interface CompiledSlurmOptions {
  readonly mode: SlurmMode;
  readonly sbatch: SbatchOptions;
  readonly tasks: Readonly<Record<string, SbatchOptions>>;
  readonly pollMs: number;
  /** The project root (task modules are named relative to it). */
  readonly root: string;
  readonly dir: string;
  readonly arrayMin: number;
  readonly maxJobs: number;
  readonly fuseChains: boolean;
  readonly pilots: CompiledPilotOptions;
}

const KEYS = new Set([
  'mode',
  'sbatch',
  'tasks',
  'pollInterval',
  'dir',
  'arrayMin',
  'maxJobs',
  'fuseChains',
  'pilots',
]);
const PILOT_KEYS = new Set(['count', 'max', 'cpus', 'memoryMb', 'time', 'redis', 'queue']);

/** Checks the options and fills in the defaults; throws `SlurmOptionsError` naming the option. */
export function compileSlurmOptions(
  given: Readonly<Record<string, unknown>>,
  cwd = process.cwd(),
): CompiledSlurmOptions {
  const o = given as SlurmOptions;
  for (const key of Object.keys(given)) {
    if (!KEYS.has(key)) {
      throw new SlurmOptionsError(
        `slurm executor: unknown option "${key}"; the options are ${[...KEYS].join(', ')} ` +
          '(sbatch options go in sbatch: { ... })',
      );
    }
  }
  const mode = o.mode ?? 'jobs';
  if (mode !== 'jobs' && mode !== 'delayed' && mode !== 'pilot') {
    throw new SlurmOptionsError(
      `slurm executor: mode must be 'jobs', 'delayed' or 'pilot', not ${JSON.stringify(mode)}`,
    );
  }
  const sbatch = checkSbatchOptions(o.sbatch ?? {}, 'sbatch');
  const tasks: Record<string, SbatchOptions> = {};
  if (o.tasks !== undefined && (typeof o.tasks !== 'object' || o.tasks === null)) {
    throw new SlurmOptionsError('slurm executor: tasks must map task names to sbatch options');
  }
  for (const [name, options] of Object.entries(o.tasks ?? {})) {
    tasks[name] = checkSbatchOptions(options, `tasks.${name}`);
  }
  if (o.fuseChains !== undefined && typeof o.fuseChains !== 'boolean') {
    throw new SlurmOptionsError(
      `slurm executor: fuseChains must be true or false, not ${JSON.stringify(o.fuseChains)}`,
    );
  }
  const root = projectRoot(cwd);
  return {
    mode,
    sbatch,
    tasks,
    pollMs: duration(o.pollInterval ?? '250ms', 'pollInterval'),
    root,
    dir: o.dir === undefined ? resolve(root, '.weft', 'slurm') : resolve(cwd, o.dir),
    arrayMin: whole(o.arrayMin ?? 2, 'arrayMin', 2),
    maxJobs: whole(o.maxJobs ?? 10_000, 'maxJobs', 1),
    fuseChains: o.fuseChains ?? true,
    pilots: pilotOptions(o.pilots ?? {}),
  };
}

function pilotOptions(p: PilotOptions): CompiledPilotOptions {
  if (typeof p !== 'object' || p === null)
    throw new SlurmOptionsError('slurm executor: pilots must be an object');
  for (const key of Object.keys(p)) {
    if (!PILOT_KEYS.has(key)) {
      throw new SlurmOptionsError(
        `slurm executor: unknown option pilots.${key}; the options are ${[...PILOT_KEYS].join(', ')}`,
      );
    }
  }
  const count = whole(p.count ?? 2, 'pilots.count', 1);
  return {
    count,
    max: whole(p.max ?? count, 'pilots.max', count),
    cpus: whole(p.cpus ?? 1, 'pilots.cpus', 1),
    memoryMb: p.memoryMb === undefined ? undefined : whole(p.memoryMb, 'pilots.memoryMb', 1),
    time: p.time === undefined ? undefined : String(p.time),
    redis: p.redis ?? process.env.WEFT_REDIS_URL ?? 'redis://127.0.0.1:6379',
    queue: p.queue ?? `weft-pilot-${process.pid}`,
  };
}

function whole(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new SlurmOptionsError(
      `slurm executor: ${name} must be a whole number from ${min}, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function duration(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim()) : null;
  if (m === null) {
    throw new SlurmOptionsError(
      `slurm executor: ${name} must be a duration such as '250ms' or '2s', not ${JSON.stringify(value)}`,
    );
  }
  return Number(m[1]) * UNITS[m[2]!]!;
}
