import { describe, expect, it } from 'vitest';
import { EventBus, type TransitionSink } from '../src/events/bus.js';
import type { RunEvent } from '../src/events/events.js';

const started: RunEvent = { type: 'run_started', runId: 'r', time: 1 } as RunEvent;
const finished: RunEvent = {
  type: 'run_finished',
  runId: 'r',
  time: 2,
  state: 'succeeded',
} as RunEvent;

function sink(got: unknown[]): TransitionSink {
  return {
    event: (e) => got.push(e.type),
    transition: (type, taskId) => got.push(`${type} ${taskId}`),
  };
}

describe('EventBus sink', () => {
  it('is offered to producers only while it is all that listens', () => {
    const bus = new EventBus();
    expect(bus.active).toBe(false);
    expect(bus.plain).toBe(false);
    const got: unknown[] = [];
    const detach = bus.attachSink(sink(got));
    expect(bus.active).toBe(true);
    expect(bus.plain).toBe(true);
    bus.transition('ready', 3, 1, 't', undefined, 5, undefined);
    expect(got).toEqual(['ready 3']);
    const off = bus.on(() => {});
    expect(bus.plain).toBe(false);
    expect(bus.active).toBe(true);
    off();
    expect(bus.plain).toBe(true);
    detach();
    expect(bus.plain).toBe(false);
    expect(bus.active).toBe(false);
  });

  it('gets every emitted event, before the listeners, in the same order', () => {
    const bus = new EventBus();
    const got: unknown[] = [];
    bus.attachSink(sink(got));
    bus.on((e) => {
      got.push(`listener ${e.type}`);
      if (e.type === 'run_started') bus.emit(finished);
    });
    bus.emit(started);
    expect(got).toEqual([
      'run_started',
      'listener run_started',
      'run_finished',
      'listener run_finished',
    ]);
  });

  it('is not offered while an event is being delivered, so nothing overtakes it', () => {
    const bus = new EventBus();
    const seen: boolean[] = [];
    bus.attachSink({ event: () => seen.push(bus.plain), transition: () => {} });
    bus.emit(started);
    expect(seen).toEqual([false]);
    expect(bus.plain).toBe(true);
  });

  it('hands what the sink throws from a transition to onListenerError', () => {
    const bus = new EventBus();
    const errors: unknown[] = [];
    bus.onListenerError = (error) => errors.push(error);
    bus.attachSink({
      event: () => {},
      transition: () => {
        throw new Error('store gone');
      },
    });
    expect(() => bus.transition('succeeded', 0, 1, 't', undefined, 5, undefined)).not.toThrow();
    expect((errors[0] as Error).message).toBe('store gone');
  });

  it('hands what the sink throws to onListenerError and goes on', () => {
    const bus = new EventBus();
    const errors: unknown[] = [];
    bus.onListenerError = (error) => errors.push(error);
    const got: string[] = [];
    bus.attachSink({
      event: () => {
        throw new Error('full');
      },
      transition: () => {},
    });
    bus.on((e) => got.push(e.type));
    bus.emit(started);
    expect(got).toEqual(['run_started']);
    expect((errors[0] as Error).message).toBe('full');
  });
});
