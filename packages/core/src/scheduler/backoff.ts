/**
 * @module
 * Retry delays: exponential backoff, capped, with "equal jitter" (a delay is
 * drawn between half and all of its nominal value) so that tasks failing
 * together do not retry in lockstep.
 */
import type { CompiledTaskOptions } from '../vocabulary/task.ts';

/** Delay before retry number `retry` (1 for the first retry). */
export function retryDelay(o: CompiledTaskOptions, retry: number, random: () => number): number {
  const nominal = Math.min(o.backoffMaxMs, o.backoffInitialMs * o.backoffFactor ** (retry - 1));
  return o.backoffJitter ? nominal / 2 + (random() * nominal) / 2 : nominal;
}
