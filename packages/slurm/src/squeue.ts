/**
 * @module
 * The state of many jobs from one `squeue` call (never one per job), and
 * what each Slurm state means for the task in the job. A job Slurm no
 * longer lists (purged after MinJobAge) is absent from the answer.
 */
import { slurm } from './commands.ts';
import type { KillReason } from './errors.ts';
import { SlurmCommandError } from './errors.ts';

/** One job (or array element) as squeue lists it. */
export interface JobState {
  /** `JOBID` or `JOBID_INDEX`. */
  readonly id: string;
  /** Slurm's state: `PENDING`, `RUNNING`, `COMPLETED`, `TIMEOUT`, ... */
  readonly state: string;
  readonly reason: string;
  /** The node it runs on ('' while pending). */
  readonly node: string;
}

/** The states of the jobs `ids` (array job ids stand for all their elements), by job id. */
export async function queryJobs(ids: readonly string[]): Promise<Map<string, JobState>> {
  const found = new Map<string, JobState>();
  if (ids.length === 0) return found;
  const out = await slurm('squeue', [
    '-h',
    '-r',
    '-t',
    'all',
    '-j',
    ids.join(','),
    '-o',
    '%i|%T|%r|%N',
  ]);
  if (out.code !== 0) {
    // Every id unknown (all purged): squeue fails saying so.
    if (/Invalid job id/i.test(out.stderr)) return found;
    throw new SlurmCommandError('squeue', out.stderr.trim() || `it exited with code ${out.code}`);
  }
  for (const line of out.stdout.split('\n')) {
    const [id, state, reason, node] = line.trim().split('|');
    if (id === undefined || id === '' || state === undefined) continue;
    found.set(id, { id, state, reason: reason ?? '', node: node ?? '' });
  }
  return found;
}

/** What a job's state means for its task. */
export type JobPhase =
  | { readonly phase: 'queued' }
  | { readonly phase: 'running' }
  /** It ended by itself (its result file says how). */
  | { readonly phase: 'ended' }
  | { readonly phase: 'cancelled'; readonly dependency: boolean }
  | { readonly phase: 'killed'; readonly reason: KillReason };

const KILLED: Readonly<Record<string, KillReason>> = {
  TIMEOUT: 'time limit',
  OUT_OF_MEMORY: 'out of memory',
  NODE_FAIL: 'node failure',
  PREEMPTED: 'preempted',
  BOOT_FAIL: 'boot failure',
  DEADLINE: 'deadline',
};

const RUNNING = new Set([
  'RUNNING',
  'COMPLETING',
  'SIGNALING',
  'STAGE_OUT',
  'RESIZING',
  'SUSPENDED',
]);

/** The phase of a job in state `s`. */
export function phaseOf(s: JobState): JobPhase {
  const killed = KILLED[s.state];
  if (killed !== undefined) return { phase: 'killed', reason: killed };
  if (s.state === 'COMPLETED' || s.state === 'FAILED') return { phase: 'ended' };
  if (s.state === 'CANCELLED')
    return { phase: 'cancelled', dependency: /Dependency/i.test(s.reason) };
  if (RUNNING.has(s.state)) return { phase: 'running' };
  return { phase: 'queued' };
}

/** The array job or job id of `id` (`605_3` is in `605`). */
export function baseId(id: string): string {
  const i = id.indexOf('_');
  return i < 0 ? id : id.slice(0, i);
}
