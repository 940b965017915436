/**
 * @module
 * The coordinator's handling of what workers report to its session inbox:
 * outcomes, logs and output of attempts, submits and waits of the tasks
 * they run (carried to the run through `children.ts`), and the queue's own
 * reports (a job refused, jobs handed back, a worker leaving). A report
 * counts only from the worker the attempt is placed on now, under its
 * current key: a late report of an earlier placement is dropped.
 */
import { deserializeError } from '@weft/core';
import { InOrder } from '../common/in-order.ts';
import type { Opened, UpBatch, UpHeader } from '../common/wire.ts';
import { submitFromWorker, waitFromWorker } from './children.ts';
import type { Coordinator } from './coordinator.ts';
import { writeOutput } from './output.ts';
import { jobRefused, reportLost, workerLeaving } from './recovery.ts';

/** Reads the inbox's items in order, though one may wait for the artifact store. */
export class Receiver {
  readonly #c: Coordinator;
  readonly #order: InOrder;

  constructor(c: Coordinator) {
    this.#c = c;
    this.#order = new InOrder((error) => c.o.logger.warn(`dropped a report: ${String(error)}`));
  }

  take(items: readonly Buffer[]): void {
    for (const bytes of items) this.#order.run(() => this.#one(bytes));
  }

  #one(bytes: Buffer): Promise<void> | undefined {
    let opened: Opened<UpBatch, UpHeader> | Promise<Opened<UpBatch, UpHeader>>;
    try {
      opened = this.#c.wire.open<UpBatch, UpHeader>('to-coordinator', bytes, 'a queue worker');
    } catch (error) {
      this.#c.o.logger.warn(`dropped a report: ${(error as Error).message}`);
      return undefined;
    }
    if (!(opened instanceof Promise)) {
      this.#opened(opened);
      return undefined;
    }
    return opened.then((o) => this.#opened(o));
  }

  #opened(o: Opened<UpBatch, UpHeader>): void {
    if (o.missing !== undefined) {
      const view = o.header === undefined ? undefined : this.#c.registry.views.get(o.header.w);
      if (view !== undefined) reportLost(this.#c, view, o.header!.k, o.missing);
      this.#c.o.logger.warn(o.missing.message);
      return;
    }
    this.#c.wire.forget(o.artifact);
    if (this.#c.closed) return;
    handleBatch(this.#c, o.value);
  }
}

/** Handles one batch of one worker's reports. */
export function handleBatch(c: Coordinator, batch: UpBatch): void {
  const view = c.registry.views.get(batch.w);
  // A worker not known (yet, or any more) holds no call of this session.
  if (view === undefined) return;
  for (const m of batch.m) {
    switch (m.t) {
      case 'done': {
        const call = c.callOn(view, m.k);
        if (call === undefined) break;
        if (m.ok) c.settle(call, true, m.v);
        else c.settle(call, false, m.e === undefined ? m.x : deserializeError(m.e));
        break;
      }
      case 'log':
        c.callOn(view, m.k)?.inv.log[m.level](m.msg, m.fields);
        break;
      case 'out': {
        const call = m.k >= 0 ? c.callOn(view, m.k) : view.oldest();
        if (call !== undefined) writeOutput(call, m.s, m.text);
        break;
      }
      case 'submit':
        submitFromWorker(c.link, view, c.callOn(view, m.k), m);
        break;
      case 'wait':
        waitFromWorker(c.link, view, m.k < 0 ? undefined : c.callOn(view, m.k), m);
        break;
      case 'cancel': {
        const node = view.nodes.get(m.f);
        node?.graph.cancel(node.id);
        break;
      }
      case 'job-refused': {
        const call = c.callOn(view, m.k);
        if (call !== undefined) jobRefused(c, view, call, m.reason, m.e);
        break;
      }
      case 'need-graph': {
        // The job that carried the graph was lost (Redis restarted, say): the next one carries it.
        const call = c.callOn(view, m.k);
        view.graphs.delete(call?.graphId ?? '');
        if (call !== undefined) c.replace(call);
        break;
      }
      case 'handback':
        // A worker hands jobs back only when it stops: it takes no new one.
        view.leaving = true;
        for (const k of m.k) {
          const call = c.callOn(view, k);
          if (call !== undefined) c.replace(call);
        }
        break;
      case 'leaving':
        workerLeaving(c, view, m.running, m.why);
        break;
      default:
        // ready, refused, setup-failed, fatal: a queue worker's host never sends them here.
        break;
    }
  }
}
