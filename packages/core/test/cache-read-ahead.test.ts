/**
 * Cache lookups are read in batches: a re-run of many plain tasks asks the
 * store a few times, not once per task, and still takes exactly the right
 * result for each task, duplicates and misses included.
 */
import { type RunEvent, type RunStore, resource, resourceSet, run, submit, task } from '@weft/core';
import { createMemoryRunStore } from '@weft/core/store';
import { describe, expect, it } from 'vitest';

const ran: number[] = [];
const square = task({ name: 'ra.square', cache: true }, async (_ctx, i: number) => {
  ran.push(i);
  return i * i;
});
const add = task({ name: 'ra.add', cache: true }, async (_ctx, a: number, b: number) => a + b);

/** The store, counting the lookups it answers; runs do not close it (each would dispose it). */
function counted(store: RunStore) {
  const calls = { one: 0, many: 0, keys: 0 };
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'findCached') {
        return (key: string) => {
          calls.one++;
          return target.findCached(key);
        };
      }
      if (prop === 'findCachedMany') {
        return (keys: readonly string[]) => {
          calls.many++;
          calls.keys += keys.length;
          return target.findCachedMany(keys);
        };
      }
      if (prop === Symbol.asyncDispose || prop === Symbol.dispose) return () => {};
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { proxy, calls };
}

async function squares(store: RunStore, inputs: readonly number[]) {
  const events: RunEvent[] = [];
  ran.length = 0;
  const value = await run(async () => inputs.map((i) => submit(square, i)), {
    resources: resourceSet({
      runStore: resource({ processSafe: false, create: () => counted(store).proxy }),
    }),
    onEvent: (e) => events.push(e),
  });
  return {
    value,
    ran: [...ran].sort((a, b) => a - b),
    cached: events.filter((e) => e.type === 'cached').length,
  };
}

describe('cache lookups read ahead', () => {
  it('re-runs 2,000 cached tasks with a few batched lookups, each task taking its own result', async () => {
    const store = createMemoryRunStore();
    const inputs = Array.from({ length: 2000 }, (_, i) => i);
    const first = await squares(store, inputs);
    expect(first.ran).toHaveLength(2000);

    const { proxy, calls } = counted(store);
    const again = await squares(proxy, inputs);
    expect(again.ran).toEqual([]);
    expect(again.cached).toBe(2000);
    expect(again.value).toEqual(inputs.map((i) => i * i));
    expect(calls.many).toBeGreaterThan(0);
    expect(calls.many + calls.one).toBeLessThanOrEqual(10);
  });

  it('runs what it misses and takes duplicates and dependents right', async () => {
    const store = createMemoryRunStore();
    await squares(store, [1, 2, 3]);
    const { proxy, calls } = counted(store);
    ran.length = 0;
    // 2 twice, 7 and 8 new; a dependent task keyed only once its inputs are done.
    const value = await run(
      async () => {
        const s = [2, 7, 2, 3, 8].map((i) => submit(square, i));
        return [s, submit(add, s[0]!, s[3]!)];
      },
      {
        resources: resourceSet({ runStore: resource({ processSafe: false, create: () => proxy }) }),
      },
    );
    expect(value).toEqual([[4, 49, 4, 9, 64], 13]);
    expect([...ran].sort((a, b) => a - b)).toEqual([7, 8]);
    expect(calls.many).toBeGreaterThan(0);
  });
});
