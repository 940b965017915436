/**
 * @module
 * `@weft/core/worker`: the worker runtime, for running tasks in a process
 * on another machine exactly as a pool worker does. `WorkerHost` speaks the
 * worker protocol over any `Channel` (a thread port, a process pipe, a
 * queue); `runInvocation` runs one invocation on its own (a batch job).
 * Both import a task's module only after checking it, and the local modules
 * it imports, against what the coordinator hashed, and refuse another weft
 * version. A batch run's directory (task and result files) is what
 * `weft exec` runs in a batch job; `weftCommand()` starts it.
 */

export { moduleHash } from './executor/pool/module-hash.ts';
export type { FromWorker, FuturePath, ToWorker, WorkerInit } from './executor/pool/protocol.ts';
export { weftVersion } from './vocabulary/version.ts';
export { type ExecOptions, execTask } from './worker/exec.ts';
export { type Channel, WorkerHost } from './worker/host.ts';
export { findTask, type LoadedModule, loadModule } from './worker/loader.ts';
export { createLocalBatchSubmitter, type LocalBatchSubmitter } from './worker/local-batch.ts';
export { type OneShotInvocation, type OneShotOutcome, runInvocation } from './worker/one-shot.ts';
export { insideRoot, projectRoot, taskModuleName } from './worker/project-root.ts';
export {
  type ResultFile,
  type ResultLog,
  RUN_DIR_FORMAT,
  readResultFile,
  resultFilePath,
  resultLogRecords,
  type TaskFile,
  type TaskFileInput,
  type TaskLogRecord,
  taskFilePath,
  writeResultFile,
  writeTaskFile,
  writeWhole,
} from './worker/run-dir.ts';
export { captureOutput } from './worker/stdio.ts';
export { weftCommand } from './worker/weft-command.ts';
