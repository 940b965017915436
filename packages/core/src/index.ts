/**
 * @module
 * weft: a workflow engine for Node.js. Tasks are async functions; `submit`
 * returns futures, and futures passed as arguments are the graph's edges.
 */

export type { CacheMode } from './cache/task-cache.ts';
export {
  type CommandOptions,
  type CommandResult,
  type CommandSpec,
  type CommandSpecFn,
  command,
} from './command/command.ts';
export { defineConfig, type WeftConfig } from './config/define-config.ts';
export { findConfigFile, loadConfigFile } from './config/load-config.ts';
export * from './errors/all.ts';
export type * from './events/events.ts';
export type { Capacity, Executor, ExecutorPool, Invocation } from './executor/executor.ts';
export { createInlineExecutor, type InlineOptions } from './executor/inline.ts';
export {
  type ExecutorChoice,
  type ExecutorFactory,
  executor,
  executorKinds,
  inline,
  processes,
  registerExecutorKind,
  threads,
} from './executor/kinds.ts';
export {
  checkSerializable,
  type ParallelExecutor,
  type ParallelOptions,
  type ProcessesOptions,
  processesExecutor,
  threadsExecutor,
} from './executor/parallel.ts';
export { type PoolsOptions, pools } from './executor/pools.ts';
export { type PoolsExecutor, poolsExecutor } from './executor/pools-executor.ts';
export { Future } from './frontends/futures/future.ts';
export {
  type Resolved,
  type RunHandle,
  type RunOptions,
  rerun,
  resume,
  run,
  startRun,
} from './frontends/futures/run.ts';
export { type Futurable, type FuturableArgs, gather, submit } from './frontends/futures/submit.ts';
export * as steps from './frontends/steps/index.ts';
export { graph, onPool, product, step } from './frontends/steps/index.ts';
export * as targets from './frontends/targets/index.ts';
export {
  type BuildOptions,
  type BuildReport,
  build,
  type Coordinates,
  need,
  type Rule,
  type RuleSet,
  type RuleSpec,
  rule,
  ruleSet,
  type StepContext,
  state,
} from './frontends/targets/index.ts';
export * as wfformat from './frontends/wfformat/index.ts';
export { Graph } from './graph/graph.ts';
export {
  type Disposing,
  type ResourceContext,
  type ResourceDefinition,
  type ResourceOptions,
  type ResourceScope,
  type ResourcesFor,
  type ResourceTypes,
  resource,
} from './resources/resource.ts';
export { type ResourceSet, type ResourceValues, resourceSet } from './resources/resource-set.ts';
export type { ArtifactStore } from './store/artifact-store.ts';
export type * from './store/run-store.ts';
export {
  acquireSqliteStore,
  defaultStorePath,
  fsArtifacts,
  memoryRunStore,
  sqliteRunStore,
} from './store/store-resources.ts';
export type { Duration } from './util/duration.ts';
export {
  createLogger,
  type LogFields,
  type Logger,
  type LogLevel,
  type LogRecord,
  silentLogger,
} from './vocabulary/logger.ts';
export type { Requirements } from './vocabulary/requirements.ts';
export type { TaskState } from './vocabulary/state.ts';
export {
  type BackoffOptions,
  isTask,
  type SubmitOptions,
  type Task,
  type TaskContext,
  type TaskFn,
  type TaskOptions,
  task,
} from './vocabulary/task.ts';
