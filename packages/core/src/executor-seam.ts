/**
 * @module
 * `@weft/core/executor`: what an executor plugin builds on. The `Executor`
 * seam (its contract is in `executor/executor.ts`; `runExecutorContract` in
 * `@weft/core/testing` checks it), the registry of executor kinds, the
 * in-process executor to delegate to, the checks a remote executor makes
 * at submit, and executors made of named pools (`pools`, `ExecutorPool`).
 * Beside it, the delayed-submission seam: a batch
 * submitter takes a whole graph ahead of time (its contract is in
 * `executor/batch-submitter.ts`; `runBatchSubmitterContract` checks it).
 */
export {
  type BatchFollower,
  type HandedRun,
  registerBatchFollower,
  type TaskObservation,
} from './coordinator/delayed/follow.ts';
export { fillInputs } from './executor/batch/inputs.ts';
export { BatchOrder, describePlanned } from './executor/batch/order.ts';
export {
  type BatchContext,
  type BatchOutcome,
  type BatchReceipt,
  type BatchSubmitter,
  type PlannedInput,
  type PlannedTask,
  type SubmitsBatches,
  submitsBatches,
} from './executor/batch-submitter.ts';
export {
  type Capacity,
  type Executor,
  type ExecutorPool,
  type Invocation,
  isExecutor,
} from './executor/executor.ts';
export { createInlineExecutor, type InlineOptions } from './executor/inline.ts';
export {
  type ExecutorChoice,
  type ExecutorFactory,
  executor,
  executorKinds,
  executorOfKind,
  registerExecutorKind,
} from './executor/kinds.ts';
export { restoreOutputs } from './executor/pool/children.ts';
export { coordinatorHash, importableModule } from './executor/pool/modules.ts';
export { remoteTask } from './executor/pool/remote-task.ts';
export { checkSerializable, findUnserializable } from './executor/pool/serializable.ts';
export { type PoolsOptions, pools } from './executor/pools.ts';
export { PoolsExecutor, poolsExecutor } from './executor/pools-executor.ts';
export type { ResourceSource } from './resources/source.ts';
export type { CompiledRequirements } from './vocabulary/requirements.ts';
export type { CompiledTaskOptions } from './vocabulary/task.ts';
export { weftVersion } from './vocabulary/version.ts';
