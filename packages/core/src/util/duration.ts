/**
 * @module
 * Durations as users write them: a number of milliseconds, or a string such
 * as `'250ms'`, `'30s'`, `'5m'`, `'1h'`, `'7d'`, `'1.5s'`.
 */
import { InvalidOptionError } from '../errors/run.ts';

/** A duration: milliseconds, or a number with a unit (`ms`, `s`, `m`, `h`, `d`: days of 24 hours). */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * Parses a duration into milliseconds.
 * @example parseDuration('30s') // 30000
 */
export function parseDuration(value: Duration, what: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else if (typeof value === 'string') {
    const m = PATTERN.exec(value);
    if (m) return Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  throw new InvalidOptionError(
    `${what}: ${JSON.stringify(value)} is not a duration; use milliseconds or a string like '500ms', '30s', '5m', '1h', '7d'`,
  );
}
