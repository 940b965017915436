/**
 * The dispatch behaviour chain: behaviours run in order before a ready task
 * takes a slot, the first that settles the task stops the chain and the
 * task ends as cached, and the chain is inspectable.
 */
import { createInlineExecutor, task } from '@weft/core';
import type { NodeGraph } from '@weft/core/frontend';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../src/events/bus.js';
import type { DispatchBehaviour } from '../src/scheduler/behaviours.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { createLogger } from '../src/vocabulary/logger.js';
import { thrown } from './helpers.ts';

const double = task('chain.double', async (_ctx, x: number) => x * 2);

function scheduler(behaviours: DispatchBehaviour[]): Scheduler {
  return new Scheduler({
    runId: 'chain',
    executor: createInlineExecutor(),
    keepGoing: false,
    bus: new EventBus(),
    host: { runId: 'chain', taskLogger: () => createLogger(() => {}) },
    graph: {} as NodeGraph,
    behaviours,
  });
}

describe('the dispatch behaviour chain', () => {
  it('runs each behaviour in order for every ready task, and lists them', async () => {
    const seen: string[] = [];
    const s = scheduler([
      { name: 'first', options: { n: 1 }, beforeStart: (id) => void seen.push(`first ${id}`) },
      { name: 'second', beforeStart: (id) => void seen.push(`second ${id}`) },
      { name: 'inert' },
    ]);
    s.add(double, [1], 0, [], -1);
    s.add(double, [2], 0, [], -1);
    await s.whenIdle();
    expect(seen).toEqual(['first 0', 'second 0', 'first 1', 'second 1']);
    expect(s.behaviours()).toEqual([
      { name: 'first', options: { n: 1 } },
      { name: 'second', options: {} },
      { name: 'inert', options: {} },
    ]);
    expect(s.stateOf(0)).toBe('succeeded');
    expect(s.resultOf(1)).toBe(4);
  });

  it('ends a task as cached with the value a behaviour gives, and stops the chain there', async () => {
    const seen: string[] = [];
    const s = scheduler([
      {
        name: 'skip-even',
        beforeStart: (id) => {
          seen.push(`skip ${id}`);
          return id % 2 === 0 ? { value: 'kept', from: undefined, cacheKey: 'k' } : undefined;
        },
      },
      { name: 'after', beforeStart: (id) => void seen.push(`after ${id}`) },
    ]);
    s.add(double, [5], 0, [], -1);
    s.add(double, [6], 0, [], -1);
    await s.whenIdle();
    expect(s.stateOf(0)).toBe('cached');
    expect(s.resultOf(0)).toBe('kept');
    expect(s.stateOf(1)).toBe('succeeded');
    expect(seen).toEqual(['skip 0', 'skip 1', 'after 1']);
  });

  it('refuses a behaviour inserted twice, naming it', () => {
    const error = thrown(() => scheduler([{ name: 'cache' }, { name: 'cache' }]));
    expect((error as Error).message).toBe(
      'dispatch behaviour "cache" is in the chain twice; each behaviour can be inserted once',
    );
  });
});
