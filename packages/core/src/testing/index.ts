/**
 * @module
 * `@weft/core/testing`: conformance suites for weft's seams, to run against every
 * implementation. Needs vitest (an optional peer dependency of weft).
 */
export {
  type ArtifactStoreContractOptions,
  runArtifactStoreContract,
} from './artifact-store-contract.ts';
export {
  type BatchSubmitterContractOptions,
  runBatchSubmitterContract,
} from './batch-submitter-contract.ts';
export { type ExecutorContractOptions, runExecutorContract } from './executor-contract.ts';
export { type FutureContractOptions, runFutureContract } from './future-contract.ts';
export { type RendererContractOptions, runRendererContract } from './renderer-contract.ts';
export { type RunStoreContractOptions, runRunStoreContract } from './run-store-contract.ts';
