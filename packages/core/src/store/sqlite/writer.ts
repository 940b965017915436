/**
 * @module
 * The SQLite store's `RunWriter`, on the calling thread. `event()` only
 * encodes the event into the current batch (`encoder.ts`): no object is
 * kept or posted per event. A batch is posted to the write worker (its
 * buffers transferred) when it is full or `batchMs` after its first event;
 * the worker writes it in one transaction. `flush()` posts what is queued
 * and waits for the worker to acknowledge it. `close()` posts the run's
 * final state with its result (a copy of inline bytes, transferred).
 */

import { RunStoreInputError, RunStoreWriteError } from '../../errors/store.ts';
import type { PlainTransition, RunEvent } from '../../events/events.ts';
import type { RunState, RunWriter, StoredResult } from '../run-store.ts';
import { checkFinalState, checkRunResult } from '../run-store-errors.ts';
import type { WriteChannel } from './channel.ts';
import { BatchEncoder } from './encoder.ts';
import type { CloseMessage, ReleaseMessage } from './protocol.ts';

/** What the writer needs of its store. */
export interface WriterHost {
  readonly file: string;
  readonly channel: WriteChannel;
  readonly batchMs: number;
  /** The writer stopped writing (closed or released). */
  released(writer: SqliteRunWriter): void;
  /** What was posted before a flush, close or release is committed (the caller is about to see it). */
  written(): void;
}

export class SqliteRunWriter implements RunWriter {
  readonly runId: string;
  readonly session: number;
  readonly key: number;
  readonly #host: WriterHost;
  readonly #batch = new BatchEncoder();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #closing: Promise<void> | undefined;
  #error: RunStoreWriteError | undefined;

  constructor(host: WriterHost, runId: string, key: number, session: number) {
    this.#host = host;
    this.runId = runId;
    this.key = key;
    this.session = session;
  }

  /** The worker this writer's batches go to. */
  get channel(): WriteChannel {
    return this.#host.channel;
  }

  /** Writing failed: flush and close reject with this, and `event()` throws it. */
  fail(message: string): void {
    this.#error ??= new RunStoreWriteError(this.#host.file, this.runId, message);
  }

  event(e: RunEvent): void {
    if (this.#stopped) return;
    if (this.#error !== undefined) throw this.#error;
    if (e.runId !== this.runId) {
      throw new RunStoreInputError(
        `an event of run ${e.runId} was written through the writer of run ${this.runId}`,
      );
    }
    if (!this.#batch.fits(e)) this.#post();
    if (this.#timer === undefined) this.#startTimer();
    this.#batch.event(e);
  }

  transition(
    type: PlainTransition,
    taskId: number,
    attempt: number,
    name: string,
    _label: string | undefined,
    time: number,
    worker: string | undefined,
  ): void {
    if (this.#stopped) return;
    if (this.#error !== undefined) throw this.#error;
    if (!this.#batch.fits(undefined)) this.#post();
    if (this.#timer === undefined) this.#startTimer();
    this.#batch.transition(type, taskId, attempt, name, time, worker);
  }

  result(taskId: number, result: StoredResult | undefined, cacheKey: string | undefined): void {
    if (this.#stopped) return;
    if (this.#error !== undefined) throw this.#error;
    if (!this.#batch.fits(undefined)) this.#post();
    if (this.#timer === undefined) this.#startTimer();
    this.#batch.result(taskId, result, cacheKey);
  }

  async flush(): Promise<void> {
    if (this.#stopped) {
      await this.#closing?.catch(() => {});
      return;
    }
    if (this.#error !== undefined) throw this.#error;
    const channel = this.#host.channel;
    const id = this.#post(true) ?? channel.post({ t: 'sync', id: 0 });
    await this.#wait(id);
  }

  close(state: RunState, result?: StoredResult): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    if (this.#stopped) return Promise.resolve();
    checkFinalState(state);
    checkRunResult(result);
    // A copy with a buffer of its own, so that the caller's bytes stay usable
    // and the copy can be transferred (a Node Buffer's slice() would share
    // its pool's memory, and transferring that would detach the pool).
    const copy: StoredResult | undefined =
      result?.kind === 'inline'
        ? { kind: 'inline', bytes: new Uint8Array(result.bytes) }
        : result && { kind: 'artifact', hash: result.hash, size: result.size };
    const transfer = copy?.kind === 'inline' ? [copy.bytes.buffer as ArrayBuffer] : undefined;
    this.#closing = this.#stop(
      { t: 'close', id: 0, key: this.key, state, endedAt: Date.now(), result: copy },
      transfer,
    );
    return this.#closing;
  }

  /** Stops writing without recording a final state: what is queued is still written. */
  release(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing.catch(() => {});
    if (this.#stopped) return Promise.resolve();
    this.#closing = this.#stop({ t: 'release', id: 0, key: this.key });
    return this.#closing.catch(() => {});
  }

  /** Posts what is queued (at exit, when nothing else will). */
  post(): void {
    if (!this.#stopped && this.#error === undefined) this.#post(true);
  }

  async #stop(
    message: CloseMessage | ReleaseMessage,
    transfer?: readonly ArrayBuffer[],
  ): Promise<void> {
    const failed = this.#error;
    if (failed === undefined) this.#post();
    this.#stopped = true;
    try {
      if (failed !== undefined) throw failed;
      await this.#wait(this.#host.channel.post(message, transfer));
    } finally {
      this.#host.released(this);
    }
  }

  async #wait(id: number): Promise<void> {
    try {
      await this.#host.channel.wait(id);
      this.#host.written();
    } catch (error) {
      this.fail((error as Error).message);
    }
    if (this.#error !== undefined) throw this.#error;
  }

  /** Posts the batch; `flush`: with every task the worker holds back. */
  #post(flush = false): number | undefined {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#batch.empty) return undefined;
    const { message, transfer } = this.#batch.take(this.key, flush);
    return this.#host.channel.post(message, transfer);
  }

  #startTimer(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped && this.#error === undefined) this.#post();
    }, this.#host.batchMs);
    this.#timer.unref();
  }
}
