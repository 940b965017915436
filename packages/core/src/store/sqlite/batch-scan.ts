/**
 * @module
 * How the write worker reads a batch message: every record once, into a
 * reused scratch space: task events chained per task, logs and run events
 * as entries in the batch's order, results per task.
 */

import { InternalError } from '../../errors/run.ts';
import { RunStoreInputError } from '../../errors/store.ts';
import { STATE_AFTER } from '../task-fold.ts';
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
  TASK_HEAD,
  TASK_TAIL,
  TASK_TYPES,
} from './protocol.ts';
import { ABSENT, type RunSlot } from './worker-db.ts';

const STATE_OF_CODE = TASK_TYPES.map((type) => STATE_AFTER[type]);
/** `evSlot` of a log record and of a run event (task events have their task's slot). */
export const LOG_ENTRY = -1;
export const RUN_ENTRY = -2;

/**
 * Scratch space of a batch, reused: per entry (task event, log or run
 * event, in the batch's order) its position in `ints` and `times`, its
 * seq, its task's slot (or LOG_ENTRY, RUN_ENTRY) and the next event of its
 * task; per touched task (in first-touch order) its id, states before and
 * after (ABSENT: none), its first and last events, the positions in `ints`
 * of its first task event, last submitted and last result (-1: none),
 * whether it has events other than submitted and ready, whether it is
 * parked by this batch, its parked entry (-1: none) and that entry's seq.
 */
export class Scratch {
  size = 0;
  evPos = new Int32Array(0);
  evTime = new Int32Array(0);
  evSeq = new Float64Array(0);
  evNext = new Int32Array(0);
  evSlot = new Int32Array(0);
  id = new Int32Array(0);
  prior = new Uint8Array(0);
  state = new Uint8Array(0);
  head = new Int32Array(0);
  tail = new Int32Array(0);
  first = new Int32Array(0);
  submitted = new Int32Array(0);
  result = new Int32Array(0);
  resultTime = new Int32Array(0);
  other = new Uint8Array(0);
  park = new Uint8Array(0);
  held = new Int32Array(0);
  heldSeq = new Float64Array(0);

  reserve(n: number): void {
    if (n <= this.size) return;
    this.size = Math.max(n, this.size * 2, 1 << 14);
    const m = this.size;
    this.evPos = new Int32Array(m);
    this.evTime = new Int32Array(m);
    this.evSeq = new Float64Array(m);
    this.evNext = new Int32Array(m);
    this.evSlot = new Int32Array(m);
    this.id = new Int32Array(m);
    this.prior = new Uint8Array(m);
    this.state = new Uint8Array(m);
    this.head = new Int32Array(m);
    this.tail = new Int32Array(m);
    this.first = new Int32Array(m);
    this.submitted = new Int32Array(m);
    this.result = new Int32Array(m);
    this.resultTime = new Int32Array(m);
    this.other = new Uint8Array(m);
    this.park = new Uint8Array(m);
    this.held = new Int32Array(m);
    this.heldSeq = new Float64Array(m);
  }
}

export const scratch = new Scratch();

/**
 * Reads batch `m` into the scratch: its task events chained per task
 * (slots from `touch`), logs and run events as entries, results per task.
 * Returns the number of entries.
 */
export function scan(run: RunSlot, m: BatchMessage, touch: (id: number) => number): number {
  const x = scratch;
  const { ints } = m;
  const parked = run.parked;
  let p = 0;
  let t = 0;
  let ne = 0;
  while (p < m.ni) {
    const code = ints[p]!;
    if (code <= C_CACHED) {
      const k = touch(ints[p + 1]!);
      x.evPos[ne] = p;
      x.evTime[ne] = t;
      x.evNext[ne] = -1;
      x.evSlot[ne] = k;
      if (x.head[k]! < 0) {
        x.head[k] = ne;
        x.first[k] = p;
      } else x.evNext[x.tail[k]!] = ne;
      x.tail[k] = ne++;
      x.state[k] = STATE_OF_CODE[code]!;
      if (code > C_STARTED) x.other[k] = 1;
      if (code === C_SUBMITTED) {
        x.submitted[k] = p;
        p += ints[p + 9]!;
      }
      p += TASK_HEAD + TASK_TAIL[code]!;
      t += code === C_RETRYING ? 2 : 1;
    } else if (code === C_LOG || code === C_RUN_STARTED || code === C_RUN_FINISHED) {
      x.evPos[ne] = p;
      x.evTime[ne] = t++;
      x.evSlot[ne++] = code === C_LOG ? LOG_ENTRY : RUN_ENTRY;
      p += code === C_LOG ? 6 : code === C_RUN_FINISHED ? 2 : 1;
    } else if (code === C_RESULT) {
      const id = ints[p + 1]!;
      const seen = id < run.states.length && run.stamp[id] === run.batchNo;
      const known =
        (seen && x.head[run.slot[id]!]! >= 0) ||
        (id < run.states.length && run.states[id] !== ABSENT) ||
        (id < parked.entryOf.length && parked.entryOf[id]! > 0);
      if (!known) {
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
  return ne;
}
