/**
 * @module
 * Following a delayed run after `weft submit` exited (`weft runs`, `show`,
 * `cancel`, `resume` call it through core's follower seam): each task's
 * result file in the run's directory says how it ended; for the others, one
 * `squeue` for all the run's jobs says whether they wait, run, were killed
 * (time limit, memory, node), or were cancelled because a prerequisite
 * failed. A job Slurm no longer knows that left no result is lost. In a
 * chain run as one job, a task waits while one before it in the job has
 * not ended, and never runs once one before it did not succeed.
 */
import { serializeError } from '@weft/core';
import type { BatchFollower, HandedRun, TaskObservation } from '@weft/core/executor';
import { readResultFile, resultLogRecords } from '@weft/core/worker';
import { SlurmJobKilledError, SlurmJobLostError } from './errors.ts';
import { cancelJobs } from './job-script.ts';
import { baseId, phaseOf, queryJobs } from './squeue.ts';
import type { SlurmRecord } from './submitter.ts';
import { terminated } from './watcher.ts';

function recordOf(run: HandedRun): SlurmRecord {
  return run.record as unknown as SlurmRecord;
}

export const slurmFollower: BatchFollower = {
  async observe(run, ids) {
    const { dir, jobs } = recordOf(run);
    const seen = new Map<number, TaskObservation>();
    const waiting: number[] = [];
    const stopped = new Map<number, TaskObservation>();
    /** Takes the task's result file, when it has one; false when it has none yet. */
    const take = (id: number): boolean => {
      const result = readResultFile(dir, String(id));
      if (result === undefined) return false;
      const ran = {
        worker: `slurm job ${jobs[String(id)]} (${result.worker})`,
        startedAt: result.startedAt,
        attempt: Math.max(1, result.attempt),
        logs: resultLogRecords(result.logs),
      };
      const observed: TaskObservation = result.ok
        ? { state: 'succeeded', value: result.value, ...ran }
        : { state: 'failed', error: result.error, ...ran };
      // Told to stop (SIGTERM): Slurm's state says whether it was its time limit.
      if (terminated(result)) stopped.set(id, observed);
      else seen.set(id, observed);
      return true;
    };
    for (const id of ids) if (!take(id) || stopped.has(id)) waiting.push(id);
    const known = waiting.filter((id) => jobs[String(id)] !== undefined);
    const states = await queryJobs([...new Set(known.map((id) => baseId(jobs[String(id)]!)))]);
    const chains = chainsOf(recordOf(run));
    for (const id of waiting) {
      const job = jobs[String(id)];
      const s = job === undefined ? undefined : states.get(job);
      const what = `#${id}`;
      const phase = s === undefined ? undefined : phaseOf(s);
      // Its job ended after its result file was looked for: the file says how it went.
      const over = phase?.phase !== 'queued' && phase?.phase !== 'running';
      if (over && !stopped.has(id) && take(id) && seen.has(id)) continue;
      const before = job === undefined ? 'none' : earlier(dir, chains.get(job), id);
      if (before === 'failed') {
        seen.set(id, { state: 'upstream_failed' });
        continue;
      }
      if (before === 'unended') {
        // The job runs (or will run) the tasks before it first; once it ended, they failed.
        seen.set(id, over ? { state: 'upstream_failed' } : { state: 'pending' });
        continue;
      }
      if (job === undefined) {
        seen.set(id, {
          state: 'failed',
          error: serializeError(new SlurmJobLostError(what, '-', 'was never submitted')),
        });
        continue;
      }
      if (phase?.phase === 'queued') seen.set(id, { state: 'pending' });
      else if (phase?.phase === 'running') {
        seen.set(id, { state: 'running', worker: `slurm job ${job} on ${s!.node || 'a node'}` });
      } else if (phase?.phase === 'killed') {
        seen.set(id, {
          state: 'failed',
          error: serializeError(new SlurmJobKilledError(what, job, phase.reason, s!.state)),
          worker: `slurm job ${job} on ${s!.node || 'a node'}`,
        });
      } else if (stopped.has(id)) {
        // Stopped by someone (scancel), not by a limit of Slurm's: its result says so.
        seen.set(id, stopped.get(id)!);
      } else if (phase?.phase === 'cancelled') {
        seen.set(
          id,
          phase.dependency
            ? { state: 'upstream_failed' }
            : { state: 'cancelled', reason: `its Slurm job ${job} was cancelled` },
        );
      } else {
        const why =
          phase === undefined
            ? 'is no longer known to Slurm and left no result'
            : `ended (${s!.state}) without writing its result`;
        seen.set(id, {
          state: 'failed',
          error: serializeError(
            new SlurmJobLostError(what, job, `${why}; its output is in ${dir}/logs/`),
          ),
        });
      }
    }
    return seen;
  },

  async cancel(run, ids) {
    const { jobs } = recordOf(run);
    await cancelJobs([
      ...new Set(ids.map((id) => jobs[String(id)]).filter((j): j is string => j !== undefined)),
    ]);
  },
};

/** The tasks of each job that runs several in a row (a chain), in the order it runs them. */
function chainsOf(record: SlurmRecord): Map<string, readonly number[]> {
  const byJob = new Map<string, readonly number[]>();
  for (const chain of record.chains ?? []) {
    const job = record.jobs[String(chain[0])];
    if (job !== undefined) byJob.set(job, chain);
  }
  return byJob;
}

/**
 * How the tasks before `id` in its chain's job stand: 'none' when they all
 * succeeded (or it is first, or alone in its job), 'failed' when one ended
 * otherwise, 'unended' when one has no result yet.
 */
function earlier(
  dir: string,
  chain: readonly number[] | undefined,
  id: number,
): 'none' | 'failed' | 'unended' {
  if (chain === undefined) return 'none';
  for (const e of chain) {
    if (e === id) break;
    const result = readResultFile(dir, String(e));
    if (result === undefined) return 'unended';
    if (!result.ok) return 'failed';
  }
  return 'none';
}
