/**
 * @module
 * The order the SQLite store keeps events in, as a test checks it: what
 * was written, except that a task's first events may be held back.
 */

import { expect } from 'vitest';
import type { RunEvent } from '../src/events/events.js';
import type { StoredEvent } from '../src/store/run-store.js';

/** The events a writer may hold back (`parked.ts`): a task's first ones, until it is next touched. */
const PARKABLE: ReadonlySet<string> = new Set(['submitted', 'ready', 'started']);
const key = (e: RunEvent) => JSON.stringify(e);
const taskOf = (e: RunEvent) => ('taskId' in e ? e.taskId : -2);

/**
 * Stored events (seqs dropped) are what was written, in written order,
 * except that a task's submitted, ready and started events may come later
 * (never earlier), still before that task's other events. With `prefix`,
 * a crash may have lost a tail: each task's events are a prefix of its own.
 */
export function expectWrittenOrder(
  stored: readonly StoredEvent[],
  written: readonly RunEvent[],
  prefix = false,
) {
  const events = stored.map(({ seq: _s, ...e }) => e as RunEvent);
  const byTask = (list: readonly RunEvent[]) => {
    const m = new Map<number, string[]>();
    for (const e of list) m.set(taskOf(e), [...(m.get(taskOf(e)) ?? []), key(e)]);
    return m;
  };
  const mine = byTask(events);
  const theirs = byTask(written);
  for (const [task, list] of mine) {
    const all = theirs.get(task) ?? [];
    expect(list).toEqual(prefix ? all.slice(0, list.length) : all);
  }
  if (!prefix) expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
  const fixed = (list: readonly RunEvent[]) => list.filter((e) => !PARKABLE.has(e.type)).map(key);
  const kept = fixed(events);
  expect(kept).toEqual(prefix ? fixed(written).slice(0, kept.length) : fixed(written));
  // A held-back event moves later, never earlier: no fixed event written after it precedes it.
  const fixedIndex = new Map(fixed(written).map((k, i) => [k, i]));
  let fixedSoFar = 0;
  const writtenFixedBefore = new Map<string, number>();
  let n = 0;
  for (const e of written) {
    if (PARKABLE.has(e.type)) writtenFixedBefore.set(key(e), n);
    else n++;
  }
  for (const e of events) {
    if (!PARKABLE.has(e.type)) {
      expect(fixedIndex.get(key(e))).toBe(fixedSoFar);
      fixedSoFar++;
    } else expect(fixedSoFar).toBeGreaterThanOrEqual(writtenFixedBefore.get(key(e))!);
  }
}
