/**
 * @module
 * Fan-out of a run's events to its listeners. Producers check `active` first,
 * so a run nobody listens to builds no event objects at all. While the sink
 * (the run's recorder) is all that listens, the commonest transitions reach
 * it as fields, without event objects (a recorded run of the shape
 * benchmark takes 5-10% less time so).
 */
import type { EventListener, PlainTransitionHandler, RunEvent } from './events.ts';

/**
 * A listener that also takes the commonest transitions without an event
 * object (the run's recorder): while it is the only one attached, a producer
 * may call `transition` instead of building the event, with what the event
 * would hold. It gets every other event through `event`.
 */
export interface TransitionSink {
  event(event: RunEvent): void;
  readonly transition: PlainTransitionHandler;
}

export class EventBus {
  #listeners: EventListener[] = [];
  #sink: TransitionSink | undefined;
  /** True while at least one listener (or the sink) is attached: producers build events only then. */
  active = false;

  /**
   * True when the sink is all that listens and no event is being delivered:
   * a producer may then call `transition` instead of `emit`.
   */
  get plain(): boolean {
    return this.#sink !== undefined && this.#listeners.length === 0 && this.#queue === undefined;
  }

  /**
   * Hands a transition to the sink as fields (only while `plain`). What the
   * sink throws goes to `onListenerError`, as from `emit`.
   */
  readonly transition: PlainTransitionHandler = (
    type,
    taskId,
    attempt,
    name,
    label,
    time,
    worker,
  ) => {
    try {
      this.#sink!.transition(type, taskId, attempt, name, label, time, worker);
    } catch (error) {
      this.onListenerError(error);
    }
  };

  /** Attaches the sink (one per bus); returns the function that detaches it. */
  attachSink(sink: TransitionSink): () => void {
    this.#sink = sink;
    this.active = true;
    return () => {
      if (this.#sink === sink) this.#sink = undefined;
      this.active = this.#listeners.length > 0 || this.#sink !== undefined;
    };
  }
  /** Receives what a listener throws; the other listeners still get the event. */
  onListenerError: (error: unknown) => void = () => {};

  /** Attaches a listener; returns the function that detaches it. */
  on(listener: EventListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    this.active = true;
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
      this.active = this.#listeners.length > 0 || this.#sink !== undefined;
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
    if (this.#sink !== undefined) {
      try {
        this.#sink.event(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
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
