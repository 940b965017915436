/**
 * @module
 * Fan-out of a run's events to its listeners. Producers check `active` first,
 * so a run nobody listens to builds no event objects at all.
 */
import type { EventListener, RunEvent } from './events.ts';

export class EventBus {
  #listeners: EventListener[] = [];
  /** True while at least one listener is attached. */
  active = false;
  /** Receives what a listener throws; the other listeners still get the event. */
  onListenerError: (error: unknown) => void = () => {};

  /** Attaches a listener; returns the function that detaches it. */
  on(listener: EventListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    this.active = true;
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
      this.active = this.#listeners.length > 0;
    };
  }

  #queue: RunEvent[] | undefined;

  /**
   * Hands `event` to every listener. An event emitted by a listener (one that
   * cancels the run, say) is delivered after the current one has reached all
   * listeners, so every listener sees the same order.
   */
  emit(event: RunEvent): void {
    if (this.#queue !== undefined) {
      this.#queue.push(event);
      return;
    }
    this.#queue = [];
    try {
      this.#deliver(event);
      for (let i = 0; i < this.#queue.length; i++) this.#deliver(this.#queue[i]!);
    } finally {
      this.#queue = undefined;
    }
  }

  #deliver(event: RunEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

/**
 * An async iterable over the events emitted after it is created, ending
 * after `run_finished`. Buffers what its reader has not taken yet.
 */
export function eventStream(bus: EventBus): AsyncIterable<RunEvent> {
  const buffer: RunEvent[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const off = bus.on((event) => {
    buffer.push(event);
    if (event.type === 'run_finished') {
      ended = true;
      off();
    }
    wake?.();
  });
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (let i = 0; ; ) {
          while (i < buffer.length) {
            const event = buffer[i]!;
            buffer[i++] = undefined as unknown as RunEvent; // let consumed events be collected
            yield event;
          }
          if (ended) return;
          buffer.length = 0;
          i = 0;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } finally {
        off();
      }
    },
  };
}
