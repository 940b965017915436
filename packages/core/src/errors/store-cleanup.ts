/**
 * @module
 * The run stores' error for their upkeep: forgetting cached results
 * (`clearCache`) or deleting old runs (`deleteRuns`) that could not be
 * written (the database busy past its timeout, a disk full). Apart from
 * `errors/store.ts` because it names an operation, not a run.
 */
import { WeftError } from './base.ts';

/** `clearCache` or `deleteRuns` could not write; nothing was changed (the database's message is kept). */
export class RunStoreCleanupError extends WeftError {
  readonly location: string;
  /** What failed: `clearing the cache`, `deleting runs`. */
  readonly operation: string;
  constructor(location: string, operation: string, message: string, options?: { cause?: unknown }) {
    super('WEFT_STORE_CLEANUP_FAILED', `${operation} in ${location} failed: ${message}`, options);
    this.location = location;
    this.operation = operation;
  }
}
