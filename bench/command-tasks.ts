/**
 * @module
 * The tasks of `commands.ts`, in a module of their own: worker processes
 * import it to find them, and must not run the benchmark.
 */
import { command, task } from '@weft/core';

/** Creates (or touches) the file at `path`. */
export const touch = command('bench.touch', (path: string) => ({
  argv: ['touch', path],
  outputs: [path],
}));

/** The resident memory of the process that runs it (a worker, on the processes executor). */
export const workerRss = task('bench.workerRss', () => process.memoryUsage().rss);
