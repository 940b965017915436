/**
 * @module
 * What the write worker does with one batch, in one transaction: it parks
 * the tasks that may wait (`parked.ts`: no row yet, only submitted, ready
 * or started), numbers the rest of the events (`seq`, continuing the run's;
 * parked events written now first), groups them by task, and writes
 * - one row per touched task (a multi-row upsert, 100 rows a statement):
 *   the task's events appended to its `history` as one fragment, the new
 *   state, name and label when submitted, the result;
 * - the logs and run events (multi-row inserts);
 * - the batch's seq range and touched task ids (`batches`);
 * - the run's last seq, counts by state (of the session's tasks) and the
 *   time of its last activity (now), in one update.
 */

import type { SQLInputValue } from 'node:sqlite';
import { PENDING, READY, RUNNING } from '../../vocabulary/state.ts';
import { LOG_ENTRY, scan, scratch } from './batch-scan.ts';
import {
  type BatchMessage,
  C_RUN_FINISHED,
  C_SUBMITTED,
  type CloseMessage,
  FINAL_STATES,
  LEVELS,
} from './protocol.ts';
import { encodeEvent, resultColumns } from './task-row.ts';
import { ABSENT, type RunSlot, type WorkerDb } from './worker-db.ts';

const EMPTY = new Uint8Array(0);

/**
 * What a write does with parked tasks (`parked.ts`) besides parking new
 * ones: nothing; write those due at this tick (and park nothing); write
 * them all (and park nothing: a flush, close or release).
 */
export type Unpark = 'none' | 'due' | 'all';

/**
 * Writes one batch of run `run` in one transaction (`m` undefined: only
 * parked tasks, as `unpark` says).
 */
export function writeBatch(
  w: WorkerDb,
  run: RunSlot,
  m: BatchMessage | undefined,
  unpark: Unpark,
): void {
  const parked = run.parked;
  const x = scratch;
  if (m !== undefined) for (const name of m.names) run.names.push(name);
  const due = unpark === 'all' ? parked.all() : unpark === 'due' ? parked.due() : [];
  if (m === undefined && due.length === 0) return;
  const batch = ++run.batchNo;
  x.reserve((m?.nt ?? 0) + due.length);
  let touched = 0;
  /** The slot of task `id` in this batch, added on its first touch. */
  const touch = (id: number): number => {
    if (id >= run.states.length) run.reserve(id);
    if (run.stamp[id] === batch) return run.slot[id]!;
    const k = touched++;
    run.stamp[id] = batch;
    run.slot[id] = k;
    x.id[k] = id;
    x.prior[k] = run.states[id]!;
    x.state[k] = ABSENT;
    x.head[k] = -1;
    x.first[k] = -1;
    x.submitted[k] = -1;
    x.result[k] = -1;
    x.other[k] = 0;
    x.park[k] = 0;
    return k;
  };
  const ne = m === undefined ? 0 : scan(run, m, touch);
  parked.events += ne;
  for (const id of due) touch(id);

  // Park what may be (no row yet, only submitted, ready or started, no result), hold the rest.
  const h = m === undefined ? -1 : parked.hold(m);
  for (let k = 0; k < touched; k++) {
    const id = x.id[k]!;
    const e = parked.entryOf[id]! - 1;
    if (
      unpark === 'none' &&
      x.head[k]! >= 0 &&
      x.other[k] === 0 &&
      x.result[k]! < 0 &&
      x.prior[k] === ABSENT
    ) {
      x.park[k] = 1;
      x.held[k] = e;
      continue;
    }
    x.held[k] = e;
    if (e >= 0 && x.head[k]! < 0) x.state[k] = heldState(parked.msg, e);
  }
  writeReferenced(run, m, touch, touched);
  for (let k = 0; k < touched; k++) {
    if (x.park[k] === 0) continue;
    const entry = x.held[k]! >= 0 ? x.held[k]! : parked.entry(x.id[k]!);
    for (let v = x.head[k]!; v >= 0; v = x.evNext[v]!) {
      parked.add(entry, m!.ints[x.evPos[v]!]!, h, x.evPos[v]!, x.evTime[v]!);
    }
    x.held[k] = -1;
  }

  // Seqs: parked events written now first (by task id: a parent and the
  // tasks a task depends on come before it), then the batch's own.
  const firstSeq = run.lastSeq + 1;
  let seq = run.lastSeq;
  const held: number[] = [];
  for (let k = 0; k < touched; k++) if (x.park[k] === 0 && x.held[k]! >= 0) held.push(k);
  held.sort((a, b) => x.id[a]! - x.id[b]!);
  for (const k of held) {
    const e = x.held[k]!;
    x.heldSeq[k] = seq + 1;
    for (let at = 3 * e; at < 3 * e + 3; at++) if (parked.msg[at]! >= 0) seq++;
  }
  const logRows: SQLInputValue[] = [];
  const runRows: SQLInputValue[] = [];
  for (let i = 0; i < ne; i++) {
    const slot = x.evSlot[i]!;
    if (slot >= 0) {
      if (x.park[slot] === 0) x.evSeq[i] = ++seq;
      continue;
    }
    const { ints, times, strs } = m!;
    const p = x.evPos[i]!;
    const t = x.evTime[i]!;
    if (slot === LOG_ENTRY) {
      const fields = ints[p + 5]!;
      logRows.push(
        run.key,
        ++seq,
        ints[p + 1]!,
        ints[p + 2]!,
        LEVELS[ints[p + 3]!]!,
        strs[ints[p + 4]!]!,
      );
      logRows.push(fields < 0 ? null : strs[fields]!, times[t]!);
    } else {
      const finished = ints[p] === C_RUN_FINISHED;
      runRows.push(run.key, ++seq, finished ? 'run_finished' : 'run_started');
      runRows.push(finished ? FINAL_STATES[ints[p + 1]!]! : null, times[t]!);
    }
  }

  const counts = run.counts.slice();
  const first = run.firstTask;
  const ids = new DataView(new ArrayBuffer(touched * 4));
  let nIds = 0;
  try {
    w.transaction(() => {
      const hw = w.history;
      const tasks = w.tasks;
      const c = tasks.chunk;
      for (let k = 0; k < touched; k++) {
        if (x.park[k] === 1) continue;
        const id = x.id[k]!;
        const prior = x.prior[k]!;
        const state = x.state[k]!;
        const e = x.held[k]!;
        // Where the task's submitted record is (this batch or a parked one), and its first event.
        let subM: BatchMessage | undefined;
        let subP = -1;
        let firstM: BatchMessage | undefined;
        let firstP = -1;
        let fragment: Uint8Array = EMPTY;
        if (e >= 0 || x.head[k]! >= 0) {
          ids.setInt32(4 * nIds++, id, true);
          const from = hw.pos;
          let start = true;
          let s = x.heldSeq[k]!;
          for (let at = 3 * e; e >= 0 && at < 3 * e + 3; at++) {
            if (parked.msg[at]! < 0) continue;
            const pm = parked.message(parked.msg[at]!);
            const pp = parked.pos[at]!;
            if (firstM === undefined) {
              firstM = pm;
              firstP = pp;
            }
            if (at === 3 * e + C_SUBMITTED) {
              subM = pm;
              subP = pp;
            }
            encodeEvent(hw, pm, pp, parked.time[at]!, s++, start);
            start = false;
          }
          for (let v = x.head[k]!; v >= 0; v = x.evNext[v]!) {
            encodeEvent(hw, m!, x.evPos[v]!, x.evTime[v]!, x.evSeq[v]!, start);
            start = false;
          }
          // A view: the fragments of a statement's rows share the writer's buffer.
          fragment = hw.buf.subarray(from, hw.pos);
          if (id >= first) {
            if (prior !== ABSENT) counts[prior]!--;
            counts[state]!++;
          }
        }
        if (x.submitted[k]! >= 0) {
          subM = m;
          subP = x.submitted[k]!;
        }
        if (firstM === undefined && x.first[k]! >= 0) {
          firstM = m;
          firstP = x.first[k]!;
        }
        const insert = prior === ABSENT;
        let i = tasks.n;
        c[i++] = run.base + id;
        c[i++] = run.key;
        c[i++] =
          subM !== undefined
            ? run.names[subM.ints[subP + 3]!]!
            : insert && firstM !== undefined
              ? run.names[firstM.ints[firstP + 3]!]!
              : null;
        c[i++] =
          subM !== undefined && subM.ints[subP + 6]! >= 0 ? subM.strs[subM.ints[subP + 6]!]! : null;
        c[i++] = state !== ABSENT ? state : insert ? PENDING : null;
        i = resultColumns(c, i, m, x.result[k]!, x.resultTime[k]!);
        c[i] = fragment;
        tasks.row();
        if (tasks.n === 0) hw.pos = 0; // the statement ran: its fragments were copied
        if (e >= 0) parked.release(e);
      }
      tasks.end();
      hw.pos = 0;
      if (logRows.length > 0) w.logs.run(logRows);
      if (runRows.length > 0) w.runEvents.run(runRows);
      if (seq >= firstSeq)
        w.batch.run(run.key, firstSeq, seq, new Uint8Array(ids.buffer, 0, 4 * nIds));
      w.progress.run(seq, JSON.stringify(counts), Date.now(), run.key);
    });
  } finally {
    parked.unhold();
  }
  run.lastSeq = seq;
  run.counts = counts;
  for (let k = 0; k < touched; k++) {
    if (x.park[k] === 0 && x.state[k] !== ABSENT) run.states[x.id[k]!] = x.state[k]!;
  }
}

/**
 * A task written now needs its parent and the tasks it depends on in the
 * store before it (a child submitted by a task, cancelled before that task
 * is written, say): those parked, or about to be (`park` set, nothing held
 * yet from this batch), are written with it.
 */
function writeReferenced(
  run: RunSlot,
  m: BatchMessage | undefined,
  touch: (id: number) => number,
  n: number,
): void {
  const x = scratch;
  const parked = run.parked;
  const work: number[] = [];
  const batch = run.batchNo;
  /** Writes task `r` with this batch if it is parked (or about to be); its slot, or -1. */
  const unpark = (r: number): number => {
    if (r < 0 || r >= parked.entryOf.length) return -1;
    if (run.stamp[r] === batch) {
      const k = run.slot[r]!;
      if (x.park[k] === 0) return -1; // written with this batch already
      x.park[k] = 0;
      return k;
    }
    if (parked.entryOf[r] === 0) return -1;
    const k = touch(r);
    const e = parked.entryOf[r]! - 1;
    x.held[k] = e;
    x.state[k] = heldState(parked.msg, e);
    return k;
  };
  for (let k = 0; k < n; k++) if (x.park[k] === 0) work.push(k);
  while (work.length > 0) {
    const k = work.pop()!;
    let sm: BatchMessage | undefined;
    let sp = -1;
    if (x.submitted[k]! >= 0) {
      sm = m;
      sp = x.submitted[k]!;
    } else if (x.held[k]! >= 0 && parked.msg[3 * x.held[k]! + C_SUBMITTED]! >= 0) {
      sm = parked.message(parked.msg[3 * x.held[k]! + C_SUBMITTED]!);
      sp = parked.pos[3 * x.held[k]! + C_SUBMITTED]!;
    }
    if (sm === undefined) continue;
    const ints = sm.ints;
    const parent = unpark(ints[sp + 4]!);
    if (parent >= 0) work.push(parent);
    for (let i = 0, nd = ints[sp + 9]!; i < nd; i++) {
      const dep = unpark(ints[sp + 10 + i]!);
      if (dep >= 0) work.push(dep);
    }
  }
}

/** The state of a parked task from its events: running, ready or pending. */
function heldState(msg: Int32Array, e: number): number {
  return msg[3 * e + 2]! >= 0 ? RUNNING : msg[3 * e + 1]! >= 0 ? READY : PENDING;
}

/** Records a run's final state, end time and result. */
export function endRun(w: WorkerDb, run: RunSlot, m: CloseMessage): void {
  const r = m.result;
  w.end.run(
    m.state,
    m.endedAt,
    m.endedAt,
    r === undefined ? null : r.kind === 'inline' ? r.bytes.length : r.size,
    r?.kind === 'inline' ? r.bytes : null,
    r?.kind === 'artifact' ? r.hash : null,
    run.key,
  );
}
