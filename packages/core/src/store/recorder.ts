/**
 * @module
 * What a run writes to its run store: every event as it happens, and the
 * result of every task that succeeded (serialized; large ones through the
 * artifact store) with its cache key, so that a later run can resume from
 * it or take it from the cache. It listens as the bus's sink: `ready`,
 * `started` and `succeeded` come as fields and go to the writer's
 * `transition` (or as an event built here, for a writer without one).
 */

import type { TransitionSink } from '../events/bus.ts';
import type { RunEvent } from '../events/events.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { encodeResult, encodeResultView, INLINE_LIMIT } from './result-codec.ts';
import type { RunState, RunWriter, StoredResult } from './run-store.ts';

/** What the recorder reads of the run. */
export interface RecorderHost {
  resultOf(id: number): unknown;
  /** The task's cache key when it has one (caching tasks only). */
  cacheKeyOf(id: number): string | undefined;
  /** The stored result a task took instead of running (cache hit or resume). */
  takeStored(id: number): StoredResult | undefined;
}

export class RunRecorder {
  readonly #writer: RunWriter;
  readonly #host: RecorderHost;
  readonly #artifacts: ArtifactStore | undefined;
  readonly #pending = new Set<Promise<void>>();
  #error: unknown;

  constructor(writer: RunWriter, host: RecorderHost, artifacts: ArtifactStore | undefined) {
    this.#writer = writer;
    this.#host = host;
    this.#artifacts = artifacts;
  }

  readonly listener = (event: RunEvent): void => {
    this.#writer.event(event);
    if (event.type === 'succeeded') this.#recordResult(event.taskId);
    else if (event.type === 'cached') {
      // Without its cache key: a lookup finds the run that computed the
      // result, not every run that took it (the key is in the event).
      this.#writer.result(event.taskId, this.#host.takeStored(event.taskId), undefined);
    }
  };

  /** The recorder as the bus's sink: the commonest transitions come without event objects. */
  readonly sink: TransitionSink = {
    event: this.listener,
    transition: (type, taskId, attempt, name, label, time, worker) => {
      const writer = this.#writer;
      if (writer.transition !== undefined) {
        writer.transition(type, taskId, attempt, name, label, time, worker);
      } else {
        const runId = writer.runId;
        writer.event(
          worker === undefined
            ? { type, runId, taskId, name, label, attempt, time }
            : { type, runId, taskId, name, label, attempt, time, worker },
        );
      }
      if (type === 'succeeded') this.#recordResult(taskId);
    },
  };

  #recordResult(id: number): void {
    const key = this.#host.cacheKeyOf(id);
    // A view the writer copies at once; kept past this call, it is copied here.
    const view = encodeResultView(this.#host.resultOf(id));
    if (view === undefined || view.length <= INLINE_LIMIT || this.#artifacts === undefined) {
      this.#writer.result(id, view && { kind: 'inline', bytes: view }, key);
      return;
    }
    const size = view.length;
    const put = this.#artifacts.put(view.slice()).then(
      (hash) => this.#writer.result(id, { kind: 'artifact', hash, size }, key),
      (error: unknown) => {
        this.#error ??= error;
      },
    );
    this.#pending.add(put);
    void put.finally(() => this.#pending.delete(put));
  }

  /**
   * Waits for results still being written, then closes the run's record with
   * its final state and, when it succeeded, the value main returned (when it
   * can be stored: a function, say, cannot).
   */
  async close(state: RunState, value?: { readonly value: unknown }): Promise<void> {
    await Promise.all(this.#pending);
    let stored: StoredResult | undefined;
    if (value !== undefined) {
      const bytes = encodeResult(value.value);
      if (bytes !== undefined && (bytes.length <= INLINE_LIMIT || this.#artifacts === undefined)) {
        stored = { kind: 'inline', bytes };
      } else if (bytes !== undefined) {
        stored = { kind: 'artifact', hash: await this.#artifacts!.put(bytes), size: bytes.length };
      }
    }
    await this.#writer.close(state, stored);
    if (this.#error !== undefined) throw this.#error;
  }
}
