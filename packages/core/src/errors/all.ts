/**
 * @module
 * Every error class of `@weft/core`, the catalogue of their codes, and the
 * means to send errors across threads, processes and machines.
 */
export { isWeftError, type SerializedError, serializeError, WeftError } from './base.ts';
export {
  BatchOrderError,
  BatchUnsupportedError,
  DynamicWorkflowError,
  ExecRefusedError,
  JobTerminatedError,
} from './batch.ts';
export { type CatalogueEntry, ERROR_CATALOGUE, type ErrorClass } from './catalogue.ts';
export {
  CommandFailedError,
  CommandInputMissingError,
  CommandNotFoundError,
  CommandOutputMissingError,
  SpawnServerDiedError,
} from './command.ts';
export {
  deserializeError,
  errorClassOf,
  RemoteError,
  registerErrorClasses,
} from './deserialize.ts';
export { PoolCreateError, UnknownPoolError } from './pools.ts';
export {
  ConfigError,
  ConfigFileError,
  MissingResourceError,
  NotProcessSafeError,
  ResourceCreateError,
  ResourceCycleError,
  ResourceDisposeTimeoutError,
  ResourceSetError,
} from './resources.ts';
export {
  CancelledError,
  ChildrenNotCarriedError,
  CycleError,
  DuplicateLabelError,
  FutureNotDoneError,
  formatTask,
  InternalError,
  InvalidArgumentError,
  InvalidOptionError,
  NoActiveRunError,
  NonErrorThrownError,
  NonRetryableError,
  NotATaskError,
  ParentFinishedError,
  RemoteTaskError,
  RunCancelledError,
  RunFailedError,
  RunFinishedError,
  RunInWorkerError,
  RunProcessesAliveError,
  type TaskFailure,
  type TaskRef,
  TimeoutError,
  UnknownNodeError,
  UnsatisfiableRequirementsError,
  UpstreamFailedError,
} from './run.ts';
export {
  StepBehaviourTwiceError,
  StepBehaviourUnknownError,
  StepCycleError,
  StepProductMissingError,
  StepProductTwiceError,
  StepProductUnavailableError,
  StepProductUnproducedError,
} from './steps.ts';
export {
  ArtifactMissingError,
  InvalidArtifactHashError,
  RunAlreadyOpenError,
  RunClaimedError,
  RunNotFoundError,
  RunStillRunningError,
  RunStoreClosedError,
  RunStoreCorruptError,
  RunStoreInputError,
  RunStoreOpenError,
  RunStoreTooNewError,
  RunStoreWriteError,
  StoreWriterDiedError,
} from './store.ts';
export { RunStoreCleanupError } from './store-cleanup.ts';
export {
  TargetAmbiguousError,
  TargetCoordinateError,
  TargetCycleError,
  type TargetLink,
  TargetMissingError,
  TargetNoImplementationError,
  TargetNoRulesError,
  TargetOutputMissingError,
  TargetRuleError,
  TargetWildcardError,
} from './targets.ts';
export { UsageError } from './usage.ts';
export {
  WfFormatExportError,
  WfFormatInputMissingError,
  WfFormatInstanceError,
  type WfFormatPlace,
  WfFormatReadError,
  WfFormatSchemaError,
  WfFormatVersionError,
} from './wfformat.ts';
export {
  FutureIdPendingError,
  ModuleChangedError,
  PoolClosedError,
  PoolInWorkerError,
  TaskNotImportableError,
  UnserializableValueError,
  type WorkerDeath,
  WorkerDiedError,
  WorkerMismatchError,
  WorkerStartError,
} from './worker.ts';
