/**
 * @module
 * The task of the pilot benchmark, in a module of its own inside the
 * repository (the project root): the pilots' queue workers import it by its
 * path, and the processes executor preloads it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { task } from '@weft/core';

/** Wall-clock milliseconds (epoch), comparable between processes on one machine. */
const now = () => performance.timeOrigin + performance.now();

/**
 * Waits `ms`; returns when it started and ended and the process it ran in,
 * so that the benchmark can time the work itself and the gaps between a
 * worker's tasks.
 */
export const work = task('bench.pilot.work', async (_ctx, ms: number) => {
  const start = now();
  await sleep(ms);
  return [start, now(), process.pid] as const;
});

/** Waits `ms`; returns the process it ran in (its Slurm job, if any, and pid) and when it started. */
export const whereRun = task('bench.pilot.whereRun', async (_ctx, ms: number) => {
  const start = now();
  await sleep(ms);
  return [`${process.env.SLURM_JOB_ID ?? '-'}:${process.pid}`, start] as const;
});
