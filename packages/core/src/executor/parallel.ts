/**
 * @module
 * The parallel executors (`threads`, `processes`) and what the run needs
 * from them at submit: `check(task, args)` on the executor, or
 * `checkSerializable` alone.
 */
export type { ParallelExecutor } from './pool/executor.ts';
export type { ParallelOptions, ProcessesOptions } from './pool/options.ts';
export { checkSerializable } from './pool/serializable.ts';
export { processesExecutor } from './processes.ts';
export { threadsExecutor } from './threads.ts';
