/**
 * @module
 * What the coordinator does when a placement fails on the way: a worker
 * lost (its heartbeat expired), a worker stopping (it hands back what it
 * had not started, and says which tasks it stopped mid-way), a worker
 * refusing a job (another weft, another copy of the code), jobs Redis
 * would not take, and Redis losing its data (every attempt handed out and
 * not heard back from is placed again). An attempt placed again runs under
 * a new key. An attempt stopped mid-way (its worker lost, or stopping past
 * its grace) fails with `WorkerLostError`, for the task's retries to run it
 * again, unless `lostRetries` lets the coordinator place it again itself.
 */
import { deserializeError, type SerializedError, serializeError } from '@weft/core';
import type { RefusalReason } from '../errors.ts';
import { JobRefusedError, TaskStoppedError, WorkerLostError } from '../errors.ts';
import type { Coordinator } from './coordinator.ts';
import { describeCall } from './describe.ts';
import type { QueueCall, WorkerView } from './state.ts';

/**
 * A worker's heartbeat expired while it held `view.calls`. Those still
 * waiting in its queue never started: they go elsewhere as if never placed.
 * The others were running there: their attempts fail with `WorkerLostError`
 * (the task's retries run them again elsewhere), unless `lostRetries` lets
 * the coordinator place them again itself. No other call is touched.
 */
export async function workerLost(c: Coordinator, view: WorkerView, how: string): Promise<void> {
  c.o.logger.warn(`queue worker ${view.advert.label} lost: ${how}`);
  view.gone = true;
  // Jobs not sent yet never reached it, as those still waiting in its queue never started.
  const unsent = view.jobs.map((j) => j.call.key);
  const queued = await c.transport.takeBack(view);
  for (const k of unsent) queued.add(k);
  for (const call of [...view.calls.values()]) {
    if (queued.has(call.key)) c.replace(call);
    else stoppedMidway(c, call, view, how);
  }
  view.nodes.clear();
  void c.transport.drop(view, false);
  c.scheduleDrain();
}

/** A worker that said it stops is gone: what it still held never started; it goes elsewhere. */
export function workerLeft(c: Coordinator, view: WorkerView): void {
  c.o.logger.info(`queue worker ${view.advert.label} stopped`);
  view.gone = true;
  for (const call of [...view.calls.values()]) c.replace(call);
  view.nodes.clear();
  void c.transport.drop(view, true);
}

/** A worker says it stops: `running` were stopped mid-way; the rest it had not started. */
export function workerLeaving(
  c: Coordinator,
  view: WorkerView,
  running: readonly number[],
  why: string,
): void {
  view.leaving = true;
  for (const k of running) {
    const call = c.callOn(view, k);
    if (call !== undefined) stoppedMidway(c, call, view, why);
  }
  for (const call of [...view.calls.values()]) c.replace(call);
}

/** Runs again elsewhere an attempt whose worker went away mid-way, or fails it past `lostRetries`. */
function stoppedMidway(c: Coordinator, call: QueueCall, view: WorkerView, how: string): void {
  const error = new WorkerLostError(describeCall(call.inv), view.advert.label, how);
  if (call.aborted || call.lost >= c.o.lostRetries) {
    c.settle(call, false, error);
    return;
  }
  call.lost++;
  call.inv.log.warn(
    `${error.message}; running it again on another worker (${call.lost} of ${c.o.lostRetries})`,
    { code: error.code },
  );
  c.replace(call);
}

/** A worker refused job `call`: it goes to another worker, or fails when every one refused. */
export function jobRefused(
  c: Coordinator,
  view: WorkerView,
  call: QueueCall,
  reason: RefusalReason,
  plain: SerializedError,
): void {
  const cause = deserializeError(plain);
  const refusal = new JobRefusedError(
    describeCall(call.inv),
    view.advert.label,
    reason,
    cause.message,
    { cause },
  );
  c.o.logger.warn(refusal.message);
  call.inv.log.warn(`${refusal.message}; placing it on another worker`, { code: refusal.code });
  if (reason === 'version') view.refusedVersion ??= refusal;
  else if (reason === 'module') view.refusedModules.set(call.mod, refusal);
  else call.refusals.set(view.id, refusal);
  c.replace(call);
}

/**
 * Redis lost its data: every attempt handed out is placed again, under a
 * new key, once the workers had time to send a heartbeat again (they come
 * back by themselves; placing at once would put everything on the first).
 */
export function redisReset(c: Coordinator): void {
  const views = c.registry.reset();
  const calls = views.flatMap((v) => [...v.calls.values()]);
  c.o.logger.warn(
    `Redis at ${c.o.target.url} lost its data (restarted without persistence?): ` +
      `${calls.length} task(s) handed out and not heard back from are enqueued again`,
  );
  const reason = new TaskStoppedError(
    'Redis lost its data while the task ran; the coordinator enqueued it again',
  );
  const held: QueueCall[] = [];
  for (const view of views) {
    view.gone = true;
    for (const call of [...view.calls.values()]) {
      // The copy still running there, if any, stops: its outcome would be ignored.
      c.transport.send(view, { t: 'abort', k: call.key, reason: reason.toJSON() });
      call.inv.log.warn(
        `Redis lost its data while the task was handed out to ${view.advert.label}; enqueueing it again`,
      );
      c.detach(call);
      held.push(call);
    }
    view.nodes.clear();
    void c.transport.drop(view, false);
  }
  const beat = Math.max(0, ...views.map((v) => v.advert.intervalMs));
  setTimeout(() => {
    void c.registry.poll().then(() => {
      for (const call of held) if (c.open.has(call) && call.worker === undefined) c.replace(call);
      c.reconsider();
    });
  }, beat + 100).unref();
}

/** Jobs Redis would not take (it refused them, not merely went away): those attempts fail with its error. */
export function jobsFailed(
  c: Coordinator,
  view: WorkerView,
  calls: readonly QueueCall[],
  error: unknown,
): void {
  const message = error instanceof Error ? error.message : String(error);
  c.o.logger.warn(`could not enqueue ${calls.length} job(s) for ${view.advert.label}: ${message}`);
  for (const call of calls) {
    if (call.worker !== view || !c.open.has(call)) continue;
    c.settle(call, false, error);
  }
}

/** Settles the calls whose report was lost with it (an artifact the store does not have). */
export function reportLost(
  c: Coordinator,
  view: WorkerView,
  keys: readonly number[],
  error: Error,
): void {
  for (const k of keys) {
    const call = c.callOn(view, k);
    if (call === undefined) continue;
    c.transport.send(view, { t: 'abort', k, reason: serializeError(error) });
    c.settle(call, false, error);
  }
}
