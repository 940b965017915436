/**
 * @module
 * The tasks an imported instance runs, at the top level of this module so
 * that workers in other threads and processes find them by name:
 * `wfformat.simulate` waits the task's runtime (recorded runtime times the
 * time scale); `wfformat.files` checks that the task's input files exist,
 * writes its output files with their recorded sizes (up to the cap), and
 * waits what is left of its runtime. Both stop when their signal fires.
 */
import { WfFormatInputMissingError } from '../../errors/wfformat.ts';
import { task } from '../../vocabulary/task.ts';
import { isFile, writeSized } from './files.ts';

/** What `wfformat.files` does for one task. */
export interface FilesJob {
  /** The task's id in the instance, for messages. */
  readonly task: string;
  /** How long the task runs, in milliseconds, its file work included. */
  readonly ms: number;
  /** The files it reads: [file id, path]. */
  readonly inputs: readonly (readonly [string, string])[];
  /** The files it writes: [path, bytes]. */
  readonly outputs: readonly (readonly [string, number])[];
}

/** Waits `ms` milliseconds, or rejects with the signal's reason when it fires first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A task of `simulate` mode: takes `ms` milliseconds (the recorded runtime, scaled). */
export const simulate = task('wfformat.simulate', async (ctx, ms: number): Promise<void> => {
  await pause(ms, ctx.signal);
});

/** A task of `files` mode: reads (checks) its inputs, writes its outputs, takes `job.ms` in all. */
export const files = task('wfformat.files', async (ctx, job: FilesJob): Promise<void> => {
  const start = performance.now();
  for (const [id, path] of job.inputs) {
    if (!(await isFile(path))) throw new WfFormatInputMissingError(job.task, id, path);
  }
  for (const [path, bytes] of job.outputs) await writeSized(path, bytes);
  await pause(job.ms - (performance.now() - start), ctx.signal);
});
