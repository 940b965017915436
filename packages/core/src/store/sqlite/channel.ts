/**
 * @module
 * The calling thread's side of the write worker: posts messages, counts
 * the ones not yet acknowledged, and keeps the worker referenced only while
 * some are (an idle worker never keeps the process alive). When the worker
 * dies, everything waiting is rejected and the store is told.
 */

import type { Worker } from 'node:worker_threads';
import { StoreWriterDiedError } from '../../errors/store.ts';
import { startWorker } from '../../util/worker-exec-argv.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';

/** The worker's entry, beside this module in the sources (.ts) or the build (.js). */
const WORKER_ENTRY = new URL(
  `./write-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/** A write worker started ahead of its store, until a channel takes it. */
interface Spare {
  readonly worker: Worker;
  /** Set when it failed or exited before it was taken: it is not used then. */
  gone: boolean;
  /** Its listener for 'error' and 'exit' until it is taken. */
  readonly onGone: () => void;
}

let spare: Spare | undefined;

/**
 * Starts a write worker before any store asks for one, so that its start
 * (a thread and the modules it loads, tens of milliseconds) overlaps what
 * the process does meanwhile, such as `weft run` importing the workflow.
 * The next channel made in this process takes it; until then it holds
 * nothing open and does not keep the process alive.
 */
export function prestartWriteWorker(): void {
  if (spare !== undefined && !spare.gone) return;
  const s: Spare = {
    worker: startWorker(WORKER_ENTRY, { workerData: null }),
    gone: false,
    onGone: () => {
      s.gone = true;
    },
  };
  s.worker.unref();
  s.worker.on('error', s.onGone);
  s.worker.once('exit', s.onGone);
  spare = s;
}

/** True while a worker started by `prestartWriteWorker` waits to be taken. */
export function hasSpareWriteWorker(): boolean {
  return spare !== undefined && !spare.gone;
}

/** The spare worker, taken (its listeners removed), if there is a sound one. */
function takeSpare(): Worker | undefined {
  const s = spare;
  spare = undefined;
  if (s === undefined) return undefined;
  if (s.gone) {
    void s.worker.terminate();
    return undefined;
  }
  s.worker.off('error', s.onGone);
  s.worker.off('exit', s.onGone);
  return s.worker;
}

export interface ChannelEvents {
  /** Writing run `key` failed with this message; the worker drops its later batches. */
  failed(key: number, message: string): void;
  /** The worker is gone (an uncaught error, an exit it was not asked for). */
  died(message: string): void;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class WriteChannel {
  readonly #worker: Worker;
  readonly #events: ChannelEvents;
  readonly #waiters = new Map<number, Waiter>();
  #nextId = 1;
  #inFlight = 0;
  #death: string | undefined;
  #stopping = false;
  readonly #exited: Promise<void>;

  constructor(init: WorkerInit, events: ChannelEvents) {
    this.#events = events;
    const taken = takeSpare();
    this.#worker = taken ?? startWorker(WORKER_ENTRY, { workerData: init });
    this.#worker.unref();
    this.#worker.on('message', (m: FromWorker) => this.#receive(m));
    this.#worker.on('error', (error: Error) =>
      this.#die(`the write worker failed: ${error.message}`),
    );
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code: number) => {
        if (!this.#stopping) this.#die(`the write worker exited unexpectedly (code ${code})`);
        resolve();
      });
    });
    // A worker started ahead opens its connection first (messages are handled in order).
    if (taken !== undefined) this.post({ t: 'init', id: 0, ...init });
  }

  /** Why the worker is gone, when it is. */
  get death(): string | undefined {
    return this.#death;
  }

  /** Posts a message (its buffers transferred); returns its id, to wait for. */
  post(message: ToWorker, transfer?: readonly ArrayBuffer[]): number {
    const id = this.#nextId++;
    message.id = id;
    if (this.#death !== undefined) return id;
    this.#worker.postMessage(message, transfer as ArrayBuffer[] | undefined);
    if (this.#inFlight++ === 0) this.#worker.ref();
    return id;
  }

  /** Resolves once message `id` is handled; rejects if the worker dies first. */
  wait(id: number): Promise<void> {
    if (this.#death !== undefined) return Promise.reject(new StoreWriterDiedError(this.#death));
    return new Promise((resolve, reject) => this.#waiters.set(id, { resolve, reject }));
  }

  /** Asks the worker to finish what it has and close its connection, then waits for it to exit. */
  async shutdown(): Promise<void> {
    if (this.#stopping) return this.#exited;
    this.#stopping = true;
    if (this.#death !== undefined) return this.#exited;
    // Referenced until it has exited: the process waits for its last writes.
    this.#worker.ref();
    await this.wait(this.post({ t: 'shutdown', id: 0 })).catch(() => {});
    await this.#exited;
  }

  #receive(m: FromWorker): void {
    if (m.t === 'failed') {
      this.#events.failed(m.key, m.message);
      return;
    }
    if (--this.#inFlight === 0 && !this.#stopping) this.#worker.unref();
    const waiter = this.#waiters.get(m.id);
    if (waiter === undefined) return;
    this.#waiters.delete(m.id);
    waiter.resolve();
  }

  #die(message: string): void {
    if (this.#death !== undefined) return;
    this.#death = message;
    this.#worker.unref();
    this.#events.died(message);
    const error = new StoreWriterDiedError(message);
    for (const waiter of this.#waiters.values()) waiter.reject(error);
    this.#waiters.clear();
  }
}
