/**
 * @module
 * What a failed attempt's error means to the scheduler.
 */
import { describeValue, isWeftError } from '../errors/base.ts';
import { NonErrorThrownError } from '../errors/run.ts';

/** The thrown value as an Error (a non-Error becomes a NonErrorThrownError). */
export function toError(thrown: unknown, task: string): Error {
  if (thrown instanceof Error) return thrown;
  return new NonErrorThrownError(task, thrown, describeValue(thrown));
}

/**
 * Errors that retrying cannot fix: NonRetryableError, cancellation, and any
 * error that says so with `retryable: false` (a program that does not exist).
 */
export function isNonRetryable(error: Error): boolean {
  if ((error as { retryable?: unknown }).retryable === false) return true;
  return (
    isWeftError(error) && (error.code === 'WEFT_NON_RETRYABLE' || error.code === 'WEFT_CANCELLED')
  );
}
