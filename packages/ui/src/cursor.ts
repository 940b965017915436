/**
 * @module
 * Where a run's events end: the sequence number of its last event, from
 * which the live stream goes on. The run store has no query for it (the
 * SQLite store keeps it, `runs.last_seq`, but `RunRecord` does not carry
 * it). A run that ended has it cheaply: its last `run_finished` event
 * (read from the store's small table of run events) is its last event,
 * which one query checks. Otherwise it is found with `events(afterSeq,
 * limit 1)`, which says whether any event comes after a number: doubling,
 * then halving, about 2·log2(events) queries, each reading one batch.
 */
import type { RunStore } from '@weft/core/store';

/** The sequence number of the run's last event (0 when it has none). */
export function lastSeq(store: RunStore, runId: string): number {
  const after = (seq: number): boolean =>
    store.events(runId, { afterSeq: seq, limit: 1 }).length > 0;
  const finished = store.events(runId, { types: ['run_finished'], limit: 10_000 }).at(-1)?.seq ?? 0;
  if (!after(finished)) return finished;
  // Invariant: some event comes after `lo`, none after `hi`.
  let lo = finished;
  let hi = finished + 1024;
  while (after(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (after(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}
