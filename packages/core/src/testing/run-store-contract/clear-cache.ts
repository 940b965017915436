/**
 * @module
 * The run store contract on forgetting cached results (`clearCache`): the
 * keys of the tasks of runs started before a time (or of every run) are
 * forgotten, so `findCached` no longer finds them, while results, records
 * and events stay; runs being written can be cleared too.
 */
import { describe, expect, it } from 'vitest';
import type { RunInfo, RunStore, StoredResult } from '../../store/run-store.ts';
import { Events, failure, runInfo, type StoreContext } from './helpers.ts';

const bytes = (n: number): StoredResult => ({ kind: 'inline', bytes: new Uint8Array([n]) });

/** Records a closed run whose tasks succeeded with these cache keys (undefined: none). */
async function keyedRun(
  store: RunStore,
  info: RunInfo,
  keys: readonly (string | undefined)[],
): Promise<void> {
  const writer = store.openRun(info);
  const ev = new Events(info.id);
  keys.forEach((key, id) => {
    for (const e of ev.lifecycle(id)) writer.event(e);
    writer.result(id, bytes(id), key);
  });
  writer.event(ev.log(0, 'done'));
  await writer.close('succeeded');
}

/** Registers the tests of `clearCache`. */
export function clearCacheContract({ newStore, reopen }: StoreContext): void {
  describe('clearCache', () => {
    it('forgets the keys of runs started before a time; results and records stay', async () => {
      const store = await newStore();
      // Recorded first, started later: findCached prefers the run recorded last.
      const fresh = runInfo({ startedAt: 5000 });
      await keyedRun(store, fresh, ['shared', 'k3']);
      const old = runInfo({ startedAt: 1000 });
      await keyedRun(store, old, ['shared', 'k1', undefined]);
      expect(store.findCached('shared')).toMatchObject({ runId: old.id, taskId: 0 });
      const events = store.events(old.id);
      const tasks = store.tasks(old.id);

      expect(store.clearCache({ before: 5000 })).toBe(2);
      expect(store.findCached('k1')).toBeUndefined();
      expect(store.findCached('shared')).toEqual({
        runId: fresh.id,
        taskId: 0,
        result: bytes(0),
      });
      expect(store.findCached('k3')).toMatchObject({ runId: fresh.id, taskId: 1 });
      expect(store.result(old.id, 1)).toEqual(bytes(1));
      expect(store.task(old.id, 1)).toEqual({ ...tasks[1], cacheKey: undefined });
      expect(store.tasks(old.id).map((t) => [t.state, t.hasResult, t.cacheKey])).toEqual([
        ['succeeded', true, undefined],
        ['succeeded', true, undefined],
        ['succeeded', true, undefined],
      ]);
      expect(store.events(old.id)).toEqual(events);
      expect(store.run(old.id)).toMatchObject({ state: 'succeeded', counts: { succeeded: 3 } });

      expect(store.clearCache({ before: 5000 })).toBe(0);
      expect(store.clearCache()).toBe(2);
      expect(store.findCached('shared')).toBeUndefined();
      expect(store.findCached('k3')).toBeUndefined();
      expect(store.result(fresh.id, 0)).toEqual(bytes(0));
      if (reopen !== undefined) {
        const again = await reopen(store);
        expect(again.findCached('k1')).toBeUndefined();
        expect(again.task(old.id, 1)?.cacheKey).toBeUndefined();
        expect(again.result(old.id, 1)).toEqual(bytes(1));
      }
    });

    it('clears a run being written; what it records afterwards keeps its key', async () => {
      const store = await newStore();
      const info = runInfo({ startedAt: 1000 });
      const writer = store.openRun(info);
      const ev = new Events(info.id);
      for (const e of ev.lifecycle(0)) writer.event(e);
      writer.result(0, bytes(7), 'live');
      await writer.flush();
      expect(store.findCached('live')?.taskId).toBe(0);

      expect(store.clearCache()).toBe(1);
      expect(store.findCached('live')).toBeUndefined();
      for (const e of ev.lifecycle(1)) writer.event(e);
      writer.result(1, bytes(8), 'live');
      await writer.flush();
      expect(store.findCached('live')).toEqual({ runId: info.id, taskId: 1, result: bytes(8) });
      await writer.close('succeeded');
      expect(store.findCached('live')?.taskId).toBe(1);
      expect(store.task(info.id, 0)?.cacheKey).toBeUndefined();
      expect(store.task(info.id, 1)?.cacheKey).toBe('live');
    });

    it('refuses a before that is not a time, changing nothing', async () => {
      const store = await newStore();
      const info = runInfo();
      await keyedRun(store, info, ['kept']);
      for (const before of ['yesterday', Number.NaN, null]) {
        const error = await failure(() => store.clearCache({ before: before as number }));
        expect((error as { code?: string }).code).toBe('WEFT_STORE_BAD_INPUT');
        expect(error.message).toMatch(
          /^before must be a time in milliseconds since the epoch, not /,
        );
      }
      expect(store.findCached('kept')?.runId).toBe(info.id);
      expect(store.clearCache({ before: Number.NEGATIVE_INFINITY })).toBe(0);
      expect(store.clearCache({ before: Number.POSITIVE_INFINITY })).toBe(1);
    });
  });
}
