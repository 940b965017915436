/**
 * @module
 * The run store contract on writers and the store's life: `flush` makes
 * what was queued visible (to this store object and, for persistent
 * stores, to another one on the same location), disposing flushes open
 * writers and closes the store, and a closed store says so.
 */
import { describe, expect, it } from 'vitest';
import { Events, failure, runInfo, type StoreContext } from './helpers.ts';

/** Registers the tests of flushing, closing and disposing. */
export function lifecycleContract({ newStore, reopen }: StoreContext): void {
  describe('writers and the store', () => {
    it('flush makes everything queued before it visible', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      await writer.flush(); // nothing queued
      const ev = new Events(info.id);
      for (let id = 0; id < 5000; id++) for (const e of ev.lifecycle(id)) writer.event(e);
      writer.event(ev.log(4999, 'last'));
      await writer.flush();
      expect(store.task(info.id, 4999)?.state).toBe('succeeded');
      expect(store.run(info.id)?.counts.succeeded).toBe(5000);
      const all = store.events(info.id, { limit: 30_000 });
      expect(all).toHaveLength(20_001);
      expect(all.at(-1)).toMatchObject({ type: 'log', message: 'last' });
      await writer.close('succeeded');
    });

    it('refuses a result for a task it has no record of, naming the task', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      const error = await failure(async () => {
        writer.result(41, { kind: 'inline', bytes: new Uint8Array(1) }, undefined);
        await writer.flush();
      });
      expect(error.message).toContain(`result() for task 41, which run ${info.id} never submitted`);
      await writer.close('failed').catch(() => {});
    });

    it('disposing flushes open writers and closes the store, once', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      const ev = new Events(info.id);
      for (const e of ev.lifecycle(0)) writer.event(e);
      await store[Symbol.asyncDispose]();
      await store[Symbol.asyncDispose]();
      const closed = await failure(() => store.runs());
      expect(closed.message).toBe(`the run store ${store.location} is closed`);
      expect((closed as { code?: string }).code).toBe('WEFT_STORE_CLOSED');
      expect((await failure(() => store.openRun(runInfo()))).message).toBe(closed.message);
      // The writer is released: what follows is ignored.
      writer.event(ev.submitted(1));
      await writer.flush();
      await writer.close('succeeded');
      if (reopen === undefined) return;
      const again = await reopen(store);
      expect(again.run(info.id)?.state).toBe('running');
      expect(again.task(info.id, 0)?.state).toBe('succeeded');
      expect(again.task(info.id, 1)).toBeUndefined();
    });

    it('another store object on the same location sees what was flushed', async (ctx) => {
      if (reopen === undefined) return ctx.skip('the store does not persist');
      const store = await newStore();
      const other = await reopen(store);
      const info = runInfo();
      const writer = store.openRun(info);
      expect(other.run(info.id)?.state).toBe('running');
      const ev = new Events(info.id);
      for (let id = 0; id < 100; id++) for (const e of ev.lifecycle(id)) writer.event(e);
      writer.result(7, { kind: 'inline', bytes: new Uint8Array([1, 2]) }, 'seven');
      await writer.flush();
      expect(other.tasks(info.id, { limit: 1000 })).toEqual(store.tasks(info.id, { limit: 1000 }));
      expect(other.events(info.id, { limit: 1000 })).toEqual(
        store.events(info.id, { limit: 1000 }),
      );
      expect(other.findCached('seven')?.taskId).toBe(7);
      other.requestCancel(info.id, 'from elsewhere');
      expect(store.run(info.id)?.cancelRequested).toBe('from elsewhere');
      await writer.close('cancelled');
      expect(other.run(info.id)?.state).toBe('cancelled');
    });
  });
}
