/**
 * @module
 * The errors of `@weft/slurm`. Each has a stable `WEFT_SLURM_*` code and
 * keeps what its message names in fields; the plugin registers the classes,
 * so that they come back as themselves after crossing a process (a job's
 * result file, the run store).
 */
import { WeftError } from '@weft/core';

/** Slurm's commands are not on PATH. */
export class SlurmNotFoundError extends WeftError {
  readonly command: string;
  constructor(command: string) {
    super(
      'WEFT_SLURM_NOT_FOUND',
      `Slurm's ${command} command was not found on PATH (${process.env.PATH ?? ''}): the slurm ` +
        "executor talks to Slurm through its commands (sbatch, squeue, scancel, sinfo). Install Slurm's " +
        'client commands (Debian: apt-get install slurm-client), or start a single-node test cluster with ' +
        "weft's scripts/slurm.sh start <dir> and export the SLURM_CONF line it prints",
    );
    this.command = command;
  }
}

/** A Slurm command failed (other than sbatch refusing a job). */
export class SlurmCommandError extends WeftError {
  readonly command: string;
  constructor(command: string, why: string) {
    super('WEFT_SLURM_COMMAND', `${command} failed: ${why}`);
    this.command = command;
  }
}

/** sbatch refused a job: its own message says why (an unknown partition, a bad option). */
export class SbatchRejectedError extends WeftError {
  readonly task: string;
  /** What sbatch printed. */
  readonly stderr: string;
  constructor(task: string, stderr: string) {
    super(
      'WEFT_SLURM_SBATCH_REJECTED',
      `sbatch refused the job of ${task}: ${stderr.trim() || '(it printed nothing)'}`,
    );
    this.task = task;
    this.stderr = stderr;
  }
}

/** Why Slurm ended a job itself. */
export type KillReason =
  | 'time limit'
  | 'out of memory'
  | 'node failure'
  | 'preempted'
  | 'boot failure'
  | 'deadline';

/** Slurm killed a task's job: its time limit, out of memory, a node that failed. */
export class SlurmJobKilledError extends WeftError {
  readonly task: string;
  readonly job: string;
  readonly reason: KillReason;
  /** Slurm's job state (`TIMEOUT`, `OUT_OF_MEMORY`, `NODE_FAIL`, ...). */
  readonly state: string;
  constructor(task: string, job: string, reason: KillReason, state: string) {
    super(
      'WEFT_SLURM_JOB_KILLED',
      `task ${task}: Slurm killed its job ${job}: ${reason} (${state})${HINTS[reason]}`,
    );
    this.task = task;
    this.job = job;
    this.reason = reason;
    this.state = state;
  }
}

const HINTS: Record<KillReason, string> = {
  'time limit': '; give the task a longer timeout, or sbatch option time',
  'out of memory': '; give the task more memoryMb',
  'node failure': '',
  preempted: '',
  'boot failure': '',
  deadline: '',
};

/** A job ended without a result that weft can read (purged from Slurm, or died before writing it). */
export class SlurmJobLostError extends WeftError {
  readonly task: string;
  readonly job: string;
  constructor(task: string, job: string, why: string) {
    super('WEFT_SLURM_JOB_LOST', `task ${task}: its Slurm job ${job} ${why}`);
    this.task = task;
    this.job = job;
  }
}

/** An option of the slurm executor is invalid. */
export class SlurmOptionsError extends WeftError {
  constructor(message: string) {
    super('WEFT_SLURM_OPTIONS', message);
  }
}

/** A task's module lies outside the project root, where `weft exec` would refuse it. */
export class ModuleOutsideRootError extends WeftError {
  readonly task: string;
  constructor(task: string, module: string, root: string) {
    super(
      'WEFT_SLURM_MODULE_OUTSIDE_ROOT',
      `task ${task}: its module ${module} is outside the project root ${root}; a Slurm job runs ` +
        'only tasks of the project it starts in (weft exec refuses other modules): move the task ' +
        'into the project, or start weft from the project that holds it',
    );
    this.task = task;
  }
}

/** The plugin's error classes by code, for `definePlugin({ errors })`. */
export const SLURM_ERRORS = {
  WEFT_SLURM_NOT_FOUND: SlurmNotFoundError,
  WEFT_SLURM_COMMAND: SlurmCommandError,
  WEFT_SLURM_SBATCH_REJECTED: SbatchRejectedError,
  WEFT_SLURM_JOB_KILLED: SlurmJobKilledError,
  WEFT_SLURM_JOB_LOST: SlurmJobLostError,
  WEFT_SLURM_OPTIONS: SlurmOptionsError,
  WEFT_SLURM_MODULE_OUTSIDE_ROOT: ModuleOutsideRootError,
} as const;
