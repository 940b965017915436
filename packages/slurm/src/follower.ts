/**
 * @module
 * Following a delayed run after `weft submit` exited (`weft runs`, `show`,
 * `cancel`, `resume` call it through core's follower seam): each task's
 * result file in the run's directory says how it ended; for the others, one
 * `squeue` for all the run's jobs says whether they wait, run, were killed
 * (time limit, memory, node), or were cancelled because a prerequisite
 * failed. A job Slurm no longer knows that left no result is lost.
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
    for (const id of ids) {
      const result = readResultFile(dir, String(id));
      if (result === undefined) {
        waiting.push(id);
        continue;
      }
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
      if (terminated(result)) {
        stopped.set(id, observed);
        waiting.push(id);
      } else seen.set(id, observed);
    }
    const known = waiting.filter((id) => jobs[String(id)] !== undefined);
    const states = await queryJobs([...new Set(known.map((id) => baseId(jobs[String(id)]!)))]);
    for (const id of waiting) {
      const job = jobs[String(id)];
      const s = job === undefined ? undefined : states.get(job);
      const what = `#${id}`;
      if (job === undefined) {
        seen.set(id, {
          state: 'failed',
          error: serializeError(new SlurmJobLostError(what, '-', 'was never submitted')),
        });
        continue;
      }
      const phase = s === undefined ? undefined : phaseOf(s);
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
