/**
 * @module
 * The catalogue of weft's error codes: every code an error of weft's carries,
 * with its class and what it means. Codes are stable across versions; match
 * on them (or on the classes, which `deserializeError` rebuilds after an
 * error crossed a thread, a process or a machine). Plugins add theirs with
 * `registerErrorClasses`.
 */
import type { WeftError } from './base.ts';
import {
  BatchOrderError,
  BatchUnsupportedError,
  DynamicWorkflowError,
  ExecRefusedError,
  JobTerminatedError,
} from './batch.ts';
import {
  CommandFailedError,
  CommandInputMissingError,
  CommandNotFoundError,
  CommandOutputMissingError,
  SpawnServerDiedError,
} from './command.ts';
import { PoolCreateError, UnknownPoolError } from './pools.ts';
import {
  ConfigError,
  ConfigFileError,
  MissingResourceError,
  NotProcessSafeError,
  ResourceCreateError,
  ResourceCycleError,
  ResourceDisposeTimeoutError,
  ResourceSetError,
} from './resources.ts';
import {
  CancelledError,
  ChildrenNotCarriedError,
  CycleError,
  DuplicateLabelError,
  FutureNotDoneError,
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
  TimeoutError,
  UnknownNodeError,
  UnsatisfiableRequirementsError,
  UpstreamFailedError,
} from './run.ts';
import {
  StepBehaviourTwiceError,
  StepBehaviourUnknownError,
  StepCycleError,
  StepProductMissingError,
  StepProductTwiceError,
  StepProductUnavailableError,
  StepProductUnproducedError,
} from './steps.ts';
import {
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
import { RunStoreCleanupError } from './store-cleanup.ts';
import {
  TargetAmbiguousError,
  TargetCoordinateError,
  TargetCycleError,
  TargetMissingError,
  TargetNoImplementationError,
  TargetNoRulesError,
  TargetOutputMissingError,
  TargetRuleError,
  TargetWildcardError,
} from './targets.ts';
import { UsageError } from './usage.ts';
import {
  WfFormatExportError,
  WfFormatInputMissingError,
  WfFormatInstanceError,
  WfFormatReadError,
  WfFormatSchemaError,
  WfFormatVersionError,
} from './wfformat.ts';
import {
  FutureIdPendingError,
  ModuleChangedError,
  PoolClosedError,
  PoolInWorkerError,
  TaskNotImportableError,
  UnserializableValueError,
  WorkerDiedError,
  WorkerMismatchError,
  WorkerStartError,
} from './worker.ts';

// biome-ignore lint/suspicious/noExplicitAny: constructors differ in their parameters.
export type ErrorClass = abstract new (...args: any[]) => WeftError;

export interface CatalogueEntry {
  readonly class: ErrorClass;
  /** When an error with this code is raised. */
  readonly summary: string;
}

const entry = (cls: ErrorClass, summary: string): CatalogueEntry => ({ class: cls, summary });

/** Every error code of `@weft/core`, by code. */
export const ERROR_CATALOGUE: Readonly<Record<string, CatalogueEntry>> = Object.freeze({
  // Tasks and runs
  WEFT_INVALID_OPTION: entry(InvalidOptionError, 'an option or a definition is malformed'),
  WEFT_NOT_A_TASK: entry(NotATaskError, 'something that is not a task was submitted'),
  WEFT_INVALID_ARGUMENT: entry(InvalidArgumentError, 'an argument cannot be passed to a task'),
  WEFT_NO_RUN: entry(NoActiveRunError, 'submit() was called outside a run'),
  WEFT_DUPLICATE_LABEL: entry(DuplicateLabelError, 'a label is used twice in one run'),
  WEFT_UNSATISFIABLE: entry(
    UnsatisfiableRequirementsError,
    'a task asks for more than its executor can ever offer',
  ),
  WEFT_NON_RETRYABLE: entry(NonRetryableError, 'thrown by a task: do not retry this attempt'),
  WEFT_TIMEOUT: entry(TimeoutError, 'an attempt ran past its timeout'),
  WEFT_CANCELLED: entry(CancelledError, 'a task or a run was cancelled'),
  WEFT_NON_ERROR_THROWN: entry(NonErrorThrownError, 'a task threw something that is not an Error'),
  WEFT_UPSTREAM_FAILED: entry(UpstreamFailedError, 'an input of the task did not succeed'),
  WEFT_NOT_DONE: entry(FutureNotDoneError, "a future's value was read before it was done"),
  WEFT_CYCLE: entry(CycleError, 'an edge or a wait would close a cycle'),
  WEFT_RUN_FAILED: entry(RunFailedError, 'a run ended with failed tasks, or its main code threw'),
  WEFT_RUN_CANCELLED: entry(RunCancelledError, 'a run was cancelled before it finished'),
  WEFT_RUN_FINISHED: entry(RunFinishedError, 'a node was added to a run that has finished'),
  WEFT_RUN_IN_WORKER: entry(
    RunInWorkerError,
    'a task module starts a run when a worker imports it',
  ),
  WEFT_RUN_PROCESSES_ALIVE: entry(
    RunProcessesAliveError,
    "a resume found processes of the run's earlier session still alive",
  ),
  WEFT_CHILDREN_NOT_CARRIED: entry(
    ChildrenNotCarriedError,
    "a task submitted under an executor that cannot carry a task's submissions",
  ),
  WEFT_PARENT_FINISHED: entry(ParentFinishedError, 'a task in a worker submitted after it ended'),
  WEFT_UNKNOWN_FUTURE: entry(UnknownNodeError, 'a future was used after its task ended'),
  WEFT_REMOTE_TASK: entry(RemoteTaskError, 'the coordinator was asked to run a worker-only task'),
  WEFT_INTERNAL: entry(InternalError, 'a broken invariant inside weft (a bug)'),
  // Executor pools
  WEFT_UNKNOWN_POOL: entry(UnknownPoolError, "a task names a pool the run's executor lacks"),
  WEFT_POOL_CREATE: entry(PoolCreateError, "a pool's executor could not be created"),
  // Workers
  WEFT_WORKER_DIED: entry(WorkerDiedError, 'the worker running a task died'),
  WEFT_WORKER_MISMATCH: entry(WorkerMismatchError, 'a worker runs another weft version'),
  WEFT_WORKER_START: entry(WorkerStartError, 'a worker could not start'),
  WEFT_MODULE_CHANGED: entry(ModuleChangedError, "a task's module changed since the run started"),
  WEFT_TASK_NOT_IMPORTABLE: entry(
    TaskNotImportableError,
    'a worker could not import a task by its module and name',
  ),
  WEFT_UNSERIALIZABLE: entry(UnserializableValueError, 'a value cannot cross to or from a worker'),
  WEFT_POOL_CLOSED: entry(PoolClosedError, 'a task was given to a closed executor'),
  WEFT_FUTURE_ID_PENDING: entry(FutureIdPendingError, "a worker's future has no id yet"),
  WEFT_POOL_IN_WORKER: entry(PoolInWorkerError, 'a worker pool was started inside a worker'),
  // Delayed execution (weft submit, weft exec)
  WEFT_BATCH_ORDER: entry(BatchOrderError, 'a batch submitter got a task out of order or twice'),
  WEFT_DYNAMIC_WORKFLOW: entry(
    DynamicWorkflowError,
    'a workflow handed to a batch system ahead of time builds its graph as it runs',
  ),
  WEFT_BATCH_UNSUPPORTED: entry(
    BatchUnsupportedError,
    'weft submit with an executor that cannot take a whole graph',
  ),
  WEFT_EXEC_REFUSED: entry(ExecRefusedError, 'weft exec refused a task file'),
  WEFT_JOB_TERMINATED: entry(
    JobTerminatedError,
    "a task's batch job was told to stop before it ended",
  ),
  // Command tasks
  WEFT_COMMAND_FAILED: entry(CommandFailedError, 'a program exited non-zero or was killed'),
  WEFT_COMMAND_NOT_FOUND: entry(CommandNotFoundError, 'a program does not exist'),
  WEFT_SPAWN_SERVER_DIED: entry(SpawnServerDiedError, 'the process starting programs died'),
  WEFT_COMMAND_INPUT_MISSING: entry(CommandInputMissingError, 'a declared input file is missing'),
  WEFT_COMMAND_OUTPUT_MISSING: entry(
    CommandOutputMissingError,
    'a declared output file is missing after the program ran',
  ),
  // Resources and configuration
  WEFT_MISSING_RESOURCE: entry(MissingResourceError, 'a resource the set does not have'),
  WEFT_RESOURCE_CYCLE: entry(ResourceCycleError, 'resources depend on each other in a cycle'),
  WEFT_RESOURCE_SET: entry(ResourceSetError, 'a resource set is malformed'),
  WEFT_CONFIG: entry(ConfigError, "a config value fails its resource's schema"),
  WEFT_RESOURCE_CREATE: entry(ResourceCreateError, "a resource's create failed"),
  WEFT_NOT_PROCESS_SAFE: entry(
    NotProcessSafeError,
    'a resource that cannot be rebuilt elsewhere is needed in a worker',
  ),
  WEFT_CONFIG_FILE: entry(ConfigFileError, 'weft.config.ts is missing or malformed'),
  WEFT_RESOURCE_DISPOSE_TIMEOUT: entry(
    ResourceDisposeTimeoutError,
    "a resource's disposer took too long",
  ),
  // Stores
  WEFT_RUN_NOT_FOUND: entry(RunNotFoundError, 'no run with that id is recorded'),
  WEFT_RUN_STILL_RUNNING: entry(RunStillRunningError, 'a run to resume is still running'),
  WEFT_RUN_CLAIMED: entry(RunClaimedError, 'another process resumed the run first'),
  WEFT_STORE_BAD_INPUT: entry(RunStoreInputError, 'a run store was given input it cannot accept'),
  WEFT_STORE_CLOSED: entry(RunStoreClosedError, 'a run store was used after it was closed'),
  WEFT_STORE_RUN_OPEN: entry(RunAlreadyOpenError, 'a run is already being written'),
  WEFT_STORE_TOO_NEW: entry(RunStoreTooNewError, 'the database was written by a newer weft'),
  WEFT_STORE_OPEN_FAILED: entry(RunStoreOpenError, 'the database could not be opened'),
  WEFT_STORE_WRITE_FAILED: entry(RunStoreWriteError, "writing a run's events failed"),
  WEFT_STORE_CORRUPT: entry(RunStoreCorruptError, 'the database holds what it cannot have written'),
  WEFT_STORE_WRITER_DIED: entry(StoreWriterDiedError, "the run store's writer thread died"),
  WEFT_STORE_CLEANUP_FAILED: entry(
    RunStoreCleanupError,
    'forgetting cached results or deleting old runs could not be written',
  ),
  WEFT_ARTIFACT_HASH: entry(InvalidArtifactHashError, 'an artifact key is not a SHA-256 hash'),
  WEFT_ARTIFACT_MISSING: entry(ArtifactMissingError, 'an artifact is not in the store'),
  // The weft command
  WEFT_USAGE: entry(UsageError, 'a bad command line, a missing file or workflow'),
  // WfFormat (WfCommons) instances
  WEFT_WFFORMAT_READ: entry(WfFormatReadError, 'a WfFormat file cannot be read or is not JSON'),
  WEFT_WFFORMAT_VERSION: entry(
    WfFormatVersionError,
    'a WfFormat file has no schemaVersion, or one weft does not read',
  ),
  WEFT_WFFORMAT_SCHEMA: entry(
    WfFormatSchemaError,
    "a WfFormat instance breaks its version's JSON schema",
  ),
  WEFT_WFFORMAT_INSTANCE: entry(
    WfFormatInstanceError,
    'a WfFormat instance is malformed beyond its schema (unknown parent, duplicate id, cycle)',
  ),
  WEFT_WFFORMAT_EXPORT: entry(
    WfFormatExportError,
    'a run cannot be written as a WfFormat instance',
  ),
  WEFT_WFFORMAT_INPUT_MISSING: entry(
    WfFormatInputMissingError,
    'in files mode, a task of a WfFormat instance lacks an input file',
  ),
  // Targets and rules
  WEFT_TARGET_MISSING: entry(TargetMissingError, 'no rule makes a target and no such file exists'),
  WEFT_TARGET_AMBIGUOUS: entry(TargetAmbiguousError, 'two rules make the same target'),
  WEFT_TARGET_CYCLE: entry(TargetCycleError, 'rules need each other in a loop'),
  WEFT_TARGET_WILDCARD: entry(
    TargetWildcardError,
    'a wildcard cannot be resolved from the target (a pattern, or a name left in a target)',
  ),
  WEFT_TARGET_NO_IMPLEMENTATION: entry(
    TargetNoImplementationError,
    "the coordinates select none of a rule's implementations",
  ),
  WEFT_TARGET_OUTPUT_MISSING: entry(
    TargetOutputMissingError,
    "a rule's step did not write its declared output",
  ),
  WEFT_TARGET_RULE: entry(
    TargetRuleError,
    "a rule's function threw or returned something malformed",
  ),
  WEFT_TARGET_COORDINATE: entry(
    TargetCoordinateError,
    'a coordinate was set again with another value',
  ),
  WEFT_TARGET_NO_RULES: entry(TargetNoRulesError, 'need() was called in a run without rules'),
  // Steps and products
  WEFT_STEP_PRODUCT_UNPRODUCED: entry(
    StepProductUnproducedError,
    'a step consumes a product that no step of its graph produces',
  ),
  WEFT_STEP_PRODUCT_TWICE: entry(StepProductTwiceError, 'two steps produce the same product'),
  WEFT_STEP_CYCLE: entry(StepCycleError, "steps consume each other's products in a loop"),
  WEFT_STEP_BEHAVIOUR_UNKNOWN: entry(
    StepBehaviourUnknownError,
    "a step's behaviour chain names an unknown behaviour",
  ),
  WEFT_STEP_BEHAVIOUR_TWICE: entry(
    StepBehaviourTwiceError,
    "a behaviour was inserted into a step's chain twice",
  ),
  WEFT_STEP_PRODUCT_MISSING: entry(
    StepProductMissingError,
    'a step finished without producing a product it declared',
  ),
  WEFT_STEP_PRODUCT_UNAVAILABLE: entry(
    StepProductUnavailableError,
    "a product's value was asked for where it is not known",
  ),
});
