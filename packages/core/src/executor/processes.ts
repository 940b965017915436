/**
 * @module
 * The `processes` executor: tasks run in a pool of child processes, for
 * isolation, memory limits and crash containment.
 */
import { ParallelExecutor } from './pool/executor.ts';
import { compileParallelOptions, type ProcessesOptions } from './pool/options.ts';
import { processRuntime } from './pool/process-runtime.ts';

/**
 * An executor that runs tasks in up to `max` child processes.
 * @example
 * await using executor = processesExecutor({ max: 2, memoryLimitMb: 256 });
 * await run(main, { executor });
 */
export function processesExecutor(options: ProcessesOptions = {}): ParallelExecutor {
  return new ParallelExecutor(
    'processes',
    processRuntime,
    compileParallelOptions('processes', options),
  );
}
