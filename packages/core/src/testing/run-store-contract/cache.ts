/**
 * @module
 * The run store contract on `findCached` and `findCachedMany`: the newest
 * succeeded or cached task recorded with the key and a result, from any run.
 */
import { describe, expect, it } from 'vitest';
import { anError, Events, runInfo, type StoreContext } from './helpers.ts';

const bytes = (n: number) => ({ kind: 'inline' as const, bytes: new Uint8Array([n]) });

/** Registers the tests of cache lookups. */
export function cacheContract({ newStore }: StoreContext): void {
  describe('findCached', () => {
    it('finds the newest succeeded or cached task with the key and a result, in any run', async () => {
      const store = await newStore();
      expect(store.findCached('k')).toBeUndefined();

      const old = runInfo({ startedAt: 1000 });
      const w1 = store.openRun(old);
      const e1 = new Events(old.id);
      for (const e of e1.lifecycle(0)) w1.event(e);
      w1.result(0, bytes(1), 'k');
      await w1.close('succeeded');
      expect(store.findCached('k')).toEqual({ runId: old.id, taskId: 0, result: bytes(1) });

      const mid = runInfo({ startedAt: 2000 });
      const w2 = store.openRun(mid);
      const e2 = new Events(mid.id);
      w2.event(e2.submitted(0));
      w2.event(e2.cached(0, { runId: old.id, taskId: 0 }, 'k'));
      w2.result(0, bytes(2), 'k');
      // Not candidates: a failed task, a task without a result, another key.
      w2.event(e2.submitted(1));
      w2.event(e2.started(1));
      w2.event(e2.failed(1, 1, anError('no')));
      w2.result(1, bytes(3), 'k');
      for (const e of e2.lifecycle(2)) w2.event(e);
      w2.result(2, undefined, 'k');
      for (const e of e2.lifecycle(3)) w2.event(e);
      w2.result(3, bytes(4), 'other');
      await w2.close('failed');
      expect(store.findCached('k')).toEqual({ runId: mid.id, taskId: 0, result: bytes(2) });
      expect(store.findCached('other')).toEqual({ runId: mid.id, taskId: 3, result: bytes(4) });

      // Newest is the run recorded last, whatever its start time says (clocks differ across hosts).
      const later = runInfo({ startedAt: 500 });
      const w3 = store.openRun(later);
      const e3 = new Events(later.id);
      for (const e of e3.lifecycle(0)) w3.event(e);
      w3.result(0, { kind: 'artifact', hash: 'cd'.repeat(32), size: 10 }, 'k');
      await w3.close('succeeded');
      expect(store.findCached('k')?.runId).toBe(later.id);
      expect(store.findCached('k2')).toBeUndefined();

      // Many keys at once: what findCached answers for each, keys not found absent.
      const many = store.findCachedMany(['other', 'k2', 'k', 'other']);
      expect([...many.keys()].sort()).toEqual(['k', 'other']);
      expect(many.get('k')).toEqual(store.findCached('k'));
      expect(many.get('other')).toEqual(store.findCached('other'));
      expect(store.findCachedMany([]).size).toBe(0);
    });

    it('answers findCachedMany for more keys than one batch reads', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      const ev = new Events(info.id);
      const keys: string[] = [];
      for (let id = 0; id < 2500; id++) {
        for (const e of ev.lifecycle(id)) writer.event(e);
        // Every third task has no result: not a hit.
        writer.result(id, id % 3 === 0 ? undefined : bytes(id % 256), `key-${id}`);
        keys.push(`key-${id}`);
      }
      await writer.close('succeeded');
      const many = store.findCachedMany([...keys, 'absent']);
      expect(many.size).toBe(2500 - Math.ceil(2500 / 3));
      for (const id of [1, 2, 1000, 1001, 2498]) {
        expect(many.get(`key-${id}`)).toEqual({
          runId: info.id,
          taskId: id,
          result: bytes(id % 256),
        });
      }
      expect(many.has('key-0')).toBe(false);
      expect(many.has('key-2499')).toBe(false);
    });

    it('sees results while their run is still open, as soon as they are flushed', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      const ev = new Events(info.id);
      await writer.flush(); // the writer is up: the next flush is quick
      // A lookup just before: one answered from a snapshot must not hide what is flushed next.
      expect(store.findCachedMany(['live', 'other']).size).toBe(0);
      for (const e of ev.lifecycle(0)) writer.event(e);
      writer.result(0, bytes(9), 'live');
      await writer.flush();
      expect(store.findCached('live')).toEqual({ runId: info.id, taskId: 0, result: bytes(9) });
      await writer.close('succeeded');
    });
  });
}
