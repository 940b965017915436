/**
 * @module
 * Durations as weft's users write them (`250`, `'500ms'`, `'30s'`, `'5m'`),
 * for the queue's options and `weft worker`'s flags. The core's parser is
 * not a public export, so the queue keeps this small one with the same syntax.
 */
import type { Duration } from '@weft/core';
import { QueueOptionsError } from '../errors.ts';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;

/**
 * Milliseconds of a duration; throws `QueueOptionsError` naming `what`.
 * @example durationMs('30s', 'queue: placementTimeout') // 30000
 */
export function durationMs(value: Duration | string, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = PATTERN.exec(value);
    if (m) return Number(m[1]) * UNIT_MS[m[2]!]!;
    if (/^\s*\d+(?:\.\d+)?\s*$/.test(value)) return Number(value);
  }
  throw new QueueOptionsError(
    `${what}: ${JSON.stringify(value)} is not a duration; use milliseconds or a string like '500ms', '30s', '5m'`,
  );
}
