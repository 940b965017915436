/**
 * @module
 * Slurm's commands, run as child processes (weft talks to Slurm only
 * through them: sbatch, squeue, scancel, sinfo). A command missing from
 * PATH is `SlurmNotFoundError`; one that fails is `SlurmCommandError` with
 * what it printed.
 */
import { execFile } from 'node:child_process';
import { SlurmCommandError, SlurmNotFoundError } from './errors.ts';

/** What a command printed, and how it exited. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** 0 for success. */
  readonly code: number;
}

/** Runs `command args`, feeding it `input`; never rejects for a non-zero exit. */
export function slurm(
  command: string,
  args: readonly string[],
  input?: string,
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new SlurmNotFoundError(command));
          return;
        }
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ stdout, stderr, code });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs a command that must succeed; its stdout. */
export async function slurmOk(command: string, args: readonly string[]): Promise<string> {
  const out = await slurm(command, args);
  if (out.code !== 0) {
    throw new SlurmCommandError(
      `${command} ${args.join(' ')}`,
      out.stderr.trim() || `it exited with code ${out.code}`,
    );
  }
  return out.stdout;
}
