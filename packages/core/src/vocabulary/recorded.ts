/**
 * @module
 * A result a run already has for a node, so the node ends without running:
 * a cache hit, or a success kept from the run it resumes or re-runs.
 */

export interface RecordedResult {
  readonly value: unknown;
  /** The run and task that computed it, when it came from another record. */
  readonly from: { readonly runId: string; readonly taskId: number } | undefined;
  readonly cacheKey: string | undefined;
}
