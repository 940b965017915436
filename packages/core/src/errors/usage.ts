/**
 * @module
 * The `weft` command's error for a bad command line or a missing file.
 */
import { WeftError } from './base.ts';

/** A bad command line, a missing file, a workflow without a main function. Exits 2. */
export class UsageError extends WeftError {
  /** Shown after the message (an import error's stack). */
  readonly detail: string | undefined;
  constructor(message: string, options?: { cause?: unknown; detail?: string }) {
    super('WEFT_USAGE', message, options);
    this.detail = options?.detail;
  }
}
