/**
 * @module
 * What goes into a task's row: its events encoded into its history
 * fragment (`history.ts`), and its result columns.
 */

import type { SQLInputValue } from 'node:sqlite';
import type { ByteWriter } from './history.ts';
import {
  type BatchMessage,
  C_CACHED,
  C_RETRYING,
  C_STARTED,
  C_SUBMITTED,
  C_UPSTREAM_FAILED,
  RESULT_ARTIFACT,
  RESULT_INLINE,
  TASK_TAIL,
} from './protocol.ts';

/** Writes the result columns (cache key, size, inline bytes, artifact hash) at `i`; returns the next. */
export function resultColumns(
  c: SQLInputValue[],
  i: number,
  m: BatchMessage | undefined,
  at: number,
  timeAt: number,
): number {
  if (at < 0) {
    c[i++] = null;
    c[i++] = null;
    c[i++] = null;
    c[i++] = null;
    return i;
  }
  const { ints, times, strs } = m!;
  const kind = ints[at + 2]!;
  c[i++] = ints[at + 5]! >= 0 ? strs[ints[at + 5]!]! : null;
  if (kind === RESULT_INLINE) {
    const from = ints[at + 3]!;
    const size = ints[at + 4]!;
    c[i++] = size;
    c[i++] = m!.bytes!.subarray(from, from + size);
    c[i++] = null;
  } else if (kind === RESULT_ARTIFACT) {
    c[i++] = times[timeAt]!;
    c[i++] = null;
    c[i++] = strs[ints[at + 3]!]!;
  } else {
    c[i++] = -1;
    c[i++] = null;
    c[i++] = null;
  }
  return i;
}

export function encodeEvent(
  h: ByteWriter,
  m: BatchMessage,
  p: number,
  t: number,
  seq: number,
  start: boolean,
): void {
  const { ints, times, strs } = m;
  const str = (i: number): string | undefined => (i < 0 ? undefined : strs[i]);
  const code = ints[p]!;
  h.head(code, start, seq, times[t]!, ints[p + 2]!);
  switch (code) {
    case C_SUBMITTED: {
      const id = ints[p + 1]!;
      h.svarint(ints[p + 4]!);
      h.svarint(ints[p + 5]!);
      const n = ints[p + 9]!;
      h.uvarint(n);
      for (let i = 0; i < n; i++) h.svarint(id - ints[p + 10 + i]!);
      h.str(str(ints[p + 6]!));
      h.str(str(ints[p + 7]!));
      h.str(str(ints[p + 8]!));
      return;
    }
    case C_STARTED:
      h.str(str(ints[p + 4]!));
      return;
    case C_RETRYING:
      h.str(str(ints[p + 4]!));
      h.f64(times[t + 1]!);
      return;
    case C_UPSTREAM_FAILED:
      h.svarint(ints[p + 4]!);
      return;
    case C_CACHED: {
      const fromRun = str(ints[p + 4]!);
      h.str(fromRun);
      if (fromRun !== undefined) h.svarint(ints[p + 5]!);
      h.str(str(ints[p + 6]!));
      return;
    }
    default:
      // failed, cancelled: one string; ready, succeeded: nothing.
      if (TASK_TAIL[code] === 1) h.str(str(ints[p + 4]!));
  }
}
