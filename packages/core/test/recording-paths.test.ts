/**
 * A recorded run hands its store `ready`, `started` and `succeeded` as
 * fields while the store is all that listens, and as event objects when
 * someone else listens too. Both must store the same history.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/events/events.js';
import {
  RunFailedError,
  resource,
  resourceSet,
  run,
  submit,
  task,
  threadsExecutor,
} from '../src/index.js';
import { createMemoryRunStore } from '../src/store/memory-run-store.js';
import type { RunStore } from '../src/store/run-store.js';
import { openSqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { echo } from './fixtures/parallel-tasks.ts';
import { rejection } from './helpers.ts';

/** `store` as the run's store, left open after the run (the test disposes it). */
function given(store: RunStore) {
  const open = new Proxy(store, {
    get(target, prop) {
      if (prop === Symbol.asyncDispose) return async () => {};
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return resourceSet({ runStore: resource({ processSafe: false, create: () => open }) });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const add = task('paths.add', async (_ctx, a: number, b: number) => a + b);
let flaky = 0;
const flakyOnce = task({ name: 'paths.flaky', retries: 1 }, async () => {
  if (flaky++ % 2 === 0) throw new Error('first attempt');
  return 1;
});

/** What a history holds, without what differs between runs (ids, times, seq, retry jitter). */
function shape(events: readonly RunEvent[]): unknown[] {
  return events.map((e) => {
    const {
      runId: _r,
      time: _t,
      seq: _s,
      error: _e,
      delayMs: _d,
      ...rest
    } = e as RunEvent & {
      seq?: number;
      error?: unknown;
      delayMs?: number;
    };
    return rest;
  });
}

async function history(store: RunStore, listen: boolean, runId: string): Promise<unknown[]> {
  const seen: RunEvent[] = [];
  await run(
    async () => {
      const a = submit(add.with({ label: 'first' }), 1, 2);
      const b = submit(add, a, 3);
      submit(flakyOnce);
      return b;
    },
    {
      resources: given(store),
      runId,
      ...(listen ? { onEvent: (e: RunEvent) => seen.push(e) } : {}),
    },
  );
  if (listen) expect(seen.length).toBeGreaterThan(0);
  return shape(store.events(runId));
}

describe('recording with and without other listeners', () => {
  for (const kind of ['sqlite', 'memory'] as const) {
    it(`stores the same history either way (${kind} store)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'weft-paths-'));
      dirs.push(dir);
      const store =
        kind === 'sqlite' ? openSqliteRunStore(join(dir, 'weft.db')) : createMemoryRunStore();
      try {
        const alone = await history(store, false, 'alone');
        const listened = await history(store, true, 'listened');
        expect(alone).toEqual(listened);
        expect(alone.map((e) => (e as { type: string }).type)).toContain('retrying');
        expect(alone).toContainEqual(
          expect.objectContaining({ type: 'succeeded', taskId: 0, label: 'first', attempt: 1 }),
        );
        expect(store.tasks('alone').map((t) => t.state)).toEqual([
          'succeeded',
          'succeeded',
          'succeeded',
        ]);
      } finally {
        await store[Symbol.asyncDispose]();
      }
    });
  }

  it('fails the run, naming why, when the store refuses a transition given as fields', async () => {
    const store = createMemoryRunStore();
    const refusing = new Proxy(store, {
      get(target, prop) {
        if (prop === 'openRun') {
          return (info: Parameters<RunStore['openRun']>[0]) => {
            const writer = target.openRun(info);
            return new Proxy(writer, {
              get(w, p) {
                if (p === 'transition') {
                  return () => {
                    throw new Error('disk full');
                  };
                }
                const value = Reflect.get(w, p, w);
                return typeof value === 'function' ? value.bind(w) : value;
              },
            });
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    try {
      const error = await rejection(
        run(async () => submit(add, 1, 2), { resources: given(refusing) }),
      );
      expect(error).toBeInstanceOf(RunFailedError);
      expect(String((error as RunFailedError).cause)).toContain('disk full');
    } finally {
      await store[Symbol.asyncDispose]();
    }
  });

  it('stores the worker that ran each attempt when only the store listens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-paths-'));
    dirs.push(dir);
    const store = openSqliteRunStore(join(dir, 'weft.db'));
    const executor = threadsExecutor({ max: 1 });
    try {
      await run(async () => submit(echo, 1), {
        executor,
        resources: given(store),
        runId: 'threads',
      });
      const started = store.events('threads', { types: ['started'] });
      expect(started).toHaveLength(1);
      expect((started[0] as { worker?: string }).worker).toMatch(/^thread/);
    } finally {
      await executor[Symbol.asyncDispose]();
      await store[Symbol.asyncDispose]();
    }
  });
});
