/**
 * @module
 * The `weft` command's errors and exit codes: 0 success, 1 a run that failed
 * (or an unexpected error), 2 a usage or configuration error, 130 after
 * Ctrl-C. A weft error is shown as `error: <message>`; anything else with
 * its stack.
 */
import { isWeftError } from '../errors/base.ts';
import { UsageError } from '../errors/usage.ts';

export { UsageError } from '../errors/usage.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Codes of errors that mean "fix the command line or the configuration": exit 2. */
const USAGE_CODES = new Set([
  'WEFT_USAGE',
  'WEFT_CONFIG',
  'WEFT_CONFIG_FILE',
  'WEFT_RESOURCE_SET',
  'WEFT_RESOURCE_CYCLE',
  'WEFT_MISSING_RESOURCE',
  'WEFT_NOT_PROCESS_SAFE',
  'WEFT_INVALID_OPTION',
  'WEFT_RUN_NOT_FOUND',
  'WEFT_RUN_STILL_RUNNING',
  'WEFT_RUN_CLAIMED',
  'WEFT_RUN_PROCESSES_ALIVE',
  'WEFT_DYNAMIC_WORKFLOW',
  'WEFT_BATCH_UNSUPPORTED',
]);

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  if (isWeftError(error) && USAGE_CODES.has(error.code)) return EXIT_USAGE;
  return EXIT_FAILED;
}

/** The text printed for an error that ended a command (ends with a newline). */
export function errorText(error: unknown): string {
  if (isWeftError(error)) {
    const detail = error instanceof UsageError && error.detail ? `\n${error.detail}` : '';
    return `error: ${error.message}${detail}\n`;
  }
  if (error instanceof Error) return `error: ${error.stack ?? error.message}\n`;
  return `error: ${String(error)}\n`;
}
