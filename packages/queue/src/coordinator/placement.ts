/**
 * @module
 * Where an attempt goes: among the live workers that share this
 * coordinator's secret and weft version, are not stopping, have not
 * refused its code, and whose advertised capacity fits its requirements,
 * the one with the most room (calls held over its limit: its concurrency,
 * and `prefetch` times as many queued; a task with a timeout is placed only
 * where it can start at once, since its clock runs from placement). When
 * none fits, why, in words, for the task's log and its error.
 */
import { type Advert, describeOffer } from '../common/advert.ts';
import { JobRefusedError } from '../errors.ts';
import { describeCall } from './describe.ts';
import type { QueueCall, WorkerView } from './state.ts';

export type Placement =
  | { readonly kind: 'worker'; readonly worker: WorkerView }
  /** Workers fit it, but all hold as many calls as they may: it waits its turn. */
  | { readonly kind: 'full' }
  /** No live worker fits it: it waits for one, and says why. */
  | { readonly kind: 'unfit'; readonly reason: string }
  /** Every worker that fits refused it (another weft, another copy of its module). */
  | { readonly kind: 'refused'; readonly reason: string; readonly cause: JobRefusedError };

export interface PlacementContext {
  readonly keyId: string;
  /** The weft version workers must run. */
  readonly version: string;
  readonly prefetch: number;
  /** `queue weft at redis://host:6379`, for messages. */
  readonly where: string;
}

const BUILT_IN = new Set(['cpus', 'memoryMb', 'gpus']);

/** Whether a worker's advert fits requirements: amounts at most what it has, tags it has. */
export function fits(advert: Advert, req: Readonly<Record<string, number>> | undefined): boolean {
  if (req === undefined) return true;
  for (const [name, amount] of Object.entries(req)) {
    if (amount <= 0) continue;
    if (BUILT_IN.has(name)) {
      if (amount > (advert[name as 'cpus' | 'memoryMb' | 'gpus'] ?? 0)) return false;
    } else if (!advert.tags.includes(name)) return false;
  }
  return true;
}

/** Chooses a worker for `call`; see the module. */
export function place(
  call: QueueCall,
  workers: Iterable<WorkerView>,
  ctx: PlacementContext,
): Placement {
  let best: WorkerView | undefined;
  let bestLoad = Number.POSITIVE_INFINITY;
  const timed = call.inv.task.options.timeoutMs > 0;
  let fitting = 0;
  const notes: string[] = [];
  const refusals: JobRefusedError[] = [];
  for (const w of workers) {
    const a = w.advert;
    if (w.leaving || a.draining) {
      notes.push(`${a.label} is stopping`);
      continue;
    }
    if (a.keyId !== ctx.keyId) {
      notes.push(`${a.label} has another WEFT_QUEUE_SECRET`);
      continue;
    }
    if (!fits(a, call.requirements)) {
      notes.push(`${a.label} offers ${describeOffer(a)}`);
      continue;
    }
    if (a.version !== ctx.version) {
      // Known from its advert: it would refuse the job (and does, should one reach it).
      refusals.push(
        new JobRefusedError(
          describeCall(call.inv),
          a.label,
          'version',
          `it runs weft ${a.version} and this coordinator runs weft ${ctx.version}; install one weft version for both`,
        ),
      );
      continue;
    }
    const refused = w.refusedVersion ?? w.refusedModules.get(call.mod) ?? call.refusals.get(w.id);
    if (refused !== undefined) {
      refusals.push(refused);
      continue;
    }
    fitting++;
    // A task with a timeout goes only where it can start at once: its clock runs from placement.
    const limit = timed ? w.advert.concurrency : w.limit(ctx.prefetch);
    if (w.active >= limit) continue;
    const load = w.active / limit;
    if (load < bestLoad) {
      best = w;
      bestLoad = load;
    }
  }
  if (best !== undefined) return { kind: 'worker', worker: best };
  if (fitting > 0) return { kind: 'full' };
  if (refusals.length > 0) {
    const reason = `every live worker that fits it refused it: ${refusals.map((r) => r.message).join('; ')}`;
    return { kind: 'refused', reason, cause: refusals[0]! };
  }
  if (notes.length === 0) {
    return {
      kind: 'unfit',
      reason: `no live worker serves ${ctx.where} (start one with: weft worker)`,
    };
  }
  const needs =
    call.requirements === undefined
      ? 'a worker'
      : Object.entries(call.requirements)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
  return {
    kind: 'unfit',
    reason: `it needs ${needs}, which no live worker of ${ctx.where} offers: ${notes.join('; ')}`,
  };
}
