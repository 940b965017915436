/**
 * @module
 * What the write worker does with one batch, in one transaction: it numbers
 * the events (`seq`, continuing the run's), groups them by task, and writes
 * - one row per touched task (a multi-row upsert, 100 rows a statement):
 *   the task's events in this batch appended to its `history` as one
 *   fragment, the new state, name and label when submitted, the result;
 * - the logs and run events (multi-row inserts);
 * - the batch's seq range and touched task ids (`batches`);
 * - the run's last seq, counts by state (of the session's tasks) and the
 *   time of its last activity (now), in one update.
 */

import type { SQLInputValue } from 'node:sqlite';
import { InternalError } from '../../errors/run.ts';
import { RunStoreInputError } from '../../errors/store.ts';
import { PENDING } from '../../vocabulary/state.ts';
import { STATE_AFTER } from '../task-fold.ts';
import type { ByteWriter } from './history.ts';
import {
  type BatchMessage,
  C_CACHED,
  C_LOG,
  C_RESULT,
  C_RETRYING,
  C_RUN_FINISHED,
  C_RUN_STARTED,
  C_STARTED,
  C_SUBMITTED,
  C_UPSTREAM_FAILED,
  type CloseMessage,
  FINAL_STATES,
  LEVELS,
  RESULT_ARTIFACT,
  RESULT_INLINE,
  TASK_HEAD,
  TASK_TAIL,
  TASK_TYPES,
} from './protocol.ts';
import { ABSENT, type RunSlot, type WorkerDb } from './worker-db.ts';

const EMPTY = new Uint8Array(0);
const STATE_OF_CODE = TASK_TYPES.map((type) => STATE_AFTER[type]);

/**
 * Scratch space of a batch, reused: per event (in the batch's order) its
 * position in `ints` and `times`, its seq and the next event of its task;
 * per touched task (in first-touch order) its id, states before and after
 * (ABSENT: none), its first and last events, and the positions in `ints`
 * of its first task event, last submitted and last result (-1: none).
 */
class Scratch {
  size = 0;
  evPos = new Int32Array(0);
  evTime = new Int32Array(0);
  evSeq = new Float64Array(0);
  evNext = new Int32Array(0);
  id = new Int32Array(0);
  prior = new Uint8Array(0);
  state = new Uint8Array(0);
  head = new Int32Array(0);
  tail = new Int32Array(0);
  first = new Int32Array(0);
  submitted = new Int32Array(0);
  result = new Int32Array(0);
  resultTime = new Int32Array(0);

  reserve(n: number): void {
    if (n <= this.size) return;
    this.size = Math.max(n, this.size * 2, 1 << 14);
    const m = this.size;
    this.evPos = new Int32Array(m);
    this.evTime = new Int32Array(m);
    this.evSeq = new Float64Array(m);
    this.evNext = new Int32Array(m);
    this.id = new Int32Array(m);
    this.prior = new Uint8Array(m);
    this.state = new Uint8Array(m);
    this.head = new Int32Array(m);
    this.tail = new Int32Array(m);
    this.first = new Int32Array(m);
    this.submitted = new Int32Array(m);
    this.result = new Int32Array(m);
    this.resultTime = new Int32Array(m);
  }
}

const scratch = new Scratch();

/** Writes one batch of run `run` in one transaction. */
export function writeBatch(w: WorkerDb, run: RunSlot, m: BatchMessage): void {
  for (const name of m.names) run.names.push(name);
  const { ints, times, strs } = m;
  const batch = ++run.batchNo;
  const x = scratch;
  x.reserve(m.nt);
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
    return k;
  };
  const logRows: SQLInputValue[] = [];
  const runRows: SQLInputValue[] = [];
  const firstSeq = run.lastSeq + 1;
  let seq = run.lastSeq;
  let p = 0;
  let t = 0;
  let ne = 0;
  while (p < m.ni) {
    const code = ints[p]!;
    if (code <= C_CACHED) {
      const k = touch(ints[p + 1]!);
      x.evPos[ne] = p;
      x.evTime[ne] = t;
      x.evSeq[ne] = ++seq;
      x.evNext[ne] = -1;
      if (x.head[k]! < 0) {
        x.head[k] = ne;
        x.first[k] = p;
      } else x.evNext[x.tail[k]!] = ne;
      x.tail[k] = ne++;
      x.state[k] = STATE_OF_CODE[code]!;
      if (code === C_SUBMITTED) {
        x.submitted[k] = p;
        p += ints[p + 9]!;
      }
      p += TASK_HEAD + TASK_TAIL[code]!;
      t += code === C_RETRYING ? 2 : 1;
    } else if (code === C_LOG) {
      const fields = ints[p + 5]!;
      logRows.push(
        run.key,
        ++seq,
        ints[p + 1]!,
        ints[p + 2]!,
        LEVELS[ints[p + 3]!]!,
        strs[ints[p + 4]!]!,
      );
      logRows.push(fields < 0 ? null : strs[fields]!, times[t++]!);
      p += 6;
    } else if (code === C_RUN_STARTED || code === C_RUN_FINISHED) {
      const finished = code === C_RUN_FINISHED;
      runRows.push(run.key, ++seq, finished ? 'run_finished' : 'run_started');
      runRows.push(finished ? FINAL_STATES[ints[p + 1]!]! : null, times[t++]!);
      p += finished ? 2 : 1;
    } else if (code === C_RESULT) {
      const id = ints[p + 1]!;
      const seen = id < run.states.length && run.stamp[id] === batch && x.head[run.slot[id]!]! >= 0;
      if (!seen && (id >= run.states.length || run.states[id] === ABSENT)) {
        throw new RunStoreInputError(
          `result() for task ${id}, which run ${run.runId} never submitted`,
        );
      }
      const k = touch(id);
      x.result[k] = p;
      x.resultTime[k] = t++;
      p += 6;
    } else {
      throw new InternalError(`a batch of run ${run.runId} has an unknown record (code ${code})`);
    }
  }

  const counts = run.counts.slice();
  const first = run.firstTask;
  const ids = new DataView(new ArrayBuffer(touched * 4));
  let nIds = 0;
  w.transaction(() => {
    const h = w.history;
    const tasks = w.tasks;
    const c = tasks.chunk;
    for (let k = 0; k < touched; k++) {
      const id = x.id[k]!;
      const prior = x.prior[k]!;
      const state = x.state[k]!;
      let fragment: Uint8Array = EMPTY;
      if (x.head[k]! >= 0) {
        ids.setInt32(4 * nIds++, id, true);
        h.pos = 0;
        for (let e = x.head[k]!; e >= 0; e = x.evNext[e]!) {
          encodeEvent(h, m, x.evPos[e]!, x.evTime[e]!, x.evSeq[e]!, e === x.head[k]);
        }
        fragment = h.buf.slice(0, h.pos);
        if (id >= first) {
          if (prior !== ABSENT) counts[prior]!--;
          counts[state]!++;
        }
      }
      const insert = prior === ABSENT;
      const sub = x.submitted[k]!;
      let i = tasks.n;
      c[i++] = run.base + id;
      c[i++] = run.key;
      c[i++] =
        sub >= 0 ? run.names[ints[sub + 3]!]! : insert ? run.names[ints[x.first[k]! + 3]!]! : null;
      c[i++] = sub >= 0 && ints[sub + 6]! >= 0 ? strs[ints[sub + 6]!]! : null;
      c[i++] = state !== ABSENT ? state : insert ? PENDING : null;
      const at = x.result[k]!;
      if (at < 0) {
        c[i++] = null;
        c[i++] = null;
        c[i++] = null;
        c[i++] = null;
      } else {
        const kind = ints[at + 2]!;
        c[i++] = ints[at + 5]! >= 0 ? strs[ints[at + 5]!]! : null;
        if (kind === RESULT_INLINE) {
          const from = ints[at + 3]!;
          const size = ints[at + 4]!;
          c[i++] = size;
          c[i++] = m.bytes!.subarray(from, from + size);
          c[i++] = null;
        } else if (kind === RESULT_ARTIFACT) {
          c[i++] = times[x.resultTime[k]!]!;
          c[i++] = null;
          c[i++] = strs[ints[at + 3]!]!;
        } else {
          c[i++] = -1;
          c[i++] = null;
          c[i++] = null;
        }
      }
      c[i] = fragment;
      tasks.row();
    }
    tasks.end();
    if (logRows.length > 0) w.logs.run(logRows);
    if (runRows.length > 0) w.runEvents.run(runRows);
    if (seq >= firstSeq)
      w.batch.run(run.key, firstSeq, seq, new Uint8Array(ids.buffer, 0, 4 * nIds));
    w.progress.run(seq, JSON.stringify(counts), Date.now(), run.key);
  });
  run.lastSeq = seq;
  run.counts = counts;
  for (let k = 0; k < touched; k++) {
    if (x.state[k] !== ABSENT) run.states[x.id[k]!] = x.state[k]!;
  }
}

function encodeEvent(
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
