/**
 * @module
 * `weft/testing`: conformance suites for weft's seams, to run against every
 * implementation. Needs vitest (an optional peer dependency of weft).
 */
export { type ExecutorContractOptions, runExecutorContract } from './executor-contract.ts';
