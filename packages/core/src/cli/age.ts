/**
 * @module
 * `--older-than <duration>` as `weft cache clear` and `weft prune` take it:
 * a duration with a unit (`90s`, `30m`, `12h`, `7d`), turned into the time
 * before which a run counts as old.
 */
import { type Duration, parseDuration } from '../util/duration.ts';
import { UsageError } from './errors.ts';

/** The time `value` (a duration) before `now`; a usage error naming `flag` when it is not a duration. */
export function cutoff(flag: string, value: string, now = Date.now()): number {
  try {
    // A string: a bare number, which parseDuration reads as milliseconds only as a number, is refused.
    return now - parseDuration(value as Duration, flag);
  } catch (error) {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)}: not a duration; give a number and a unit: 90s, 30m, 12h, 7d`,
      { cause: error },
    );
  }
}
