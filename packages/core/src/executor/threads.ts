/**
 * @module
 * The `threads` executor: tasks run in a pool of worker threads, which
 * import each task's module and find the task by its name.
 */
import { ParallelExecutor } from './pool/executor.ts';
import { compileParallelOptions, type ParallelOptions } from './pool/options.ts';
import { threadRuntime } from './pool/thread-runtime.ts';

/**
 * An executor that runs tasks in up to `max` worker threads.
 * @example
 * await using executor = threadsExecutor({ max: 4, memoryLimitMb: 512 });
 * await run(main, { executor });
 */
export function threadsExecutor(options: ParallelOptions = {}): ParallelExecutor {
  return new ParallelExecutor('threads', threadRuntime, compileParallelOptions('threads', options));
}
