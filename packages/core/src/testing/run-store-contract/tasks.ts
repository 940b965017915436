/**
 * @module
 * The run store contract on task records: each is the fold of the task's
 * events, with its result and cache key; `tasks()` lists them in id order,
 * filtered and paged in the store; the run's counts follow the states.
 */
import { describe, expect, it } from 'vitest';
import type { RunStore, TaskRecord } from '../../store/run-store.ts';
import { anError, Events, failure, runInfo, type StoreContext } from './helpers.ts';

async function oneRun(newStore: () => Promise<RunStore>) {
  const store = await newStore();
  const info = runInfo();
  const writer = store.openRun(info);
  return { store, info, writer, ev: new Events(info.id) };
}

/** Registers the tests of task records. */
export function tasksContract({ newStore }: StoreContext): void {
  describe('task records', () => {
    it('submitted creates the record', async () => {
      const { store, info, writer, ev } = await oneRun(newStore);
      const s = ev.submitted(3, {
        name: 'build',
        label: 'build web',
        parentId: 1,
        deps: [1, 2],
        ordinal: 2,
        argsHash: 'a1b2c3',
        requirements: { cpus: 2, memory: 512 },
      });
      writer.event(s);
      await writer.flush();
      const expected: TaskRecord = {
        runId: info.id,
        id: 3,
        parentId: 1,
        name: 'build',
        label: 'build web',
        ordinal: 2,
        deps: [1, 2],
        argsHash: 'a1b2c3',
        state: 'pending',
        attempts: 0,
        requirements: { cpus: 2, memory: 512 },
        submittedAt: s.time,
        startedAt: undefined,
        endedAt: undefined,
        worker: undefined,
        cacheKey: undefined,
        hasResult: false,
        error: undefined,
        cachedFrom: undefined,
      };
      expect(store.task(info.id, 3)).toEqual(expected);
      expect(store.tasks(info.id)).toEqual([expected]);
      await writer.close('succeeded');
    });

    it('follows a task through its attempts: started, retrying, failed', async () => {
      const { store, info, writer, ev } = await oneRun(newStore);
      const state = async () => {
        await writer.flush();
        return store.task(info.id, 0)!;
      };
      writer.event(ev.submitted(0));
      writer.event(ev.ready(0));
      expect((await state()).state).toBe('ready');
      const first = ev.started(0, 1, 'thread 1');
      writer.event(first);
      expect(await state()).toMatchObject({
        state: 'running',
        startedAt: first.time,
        attempts: 1,
        worker: 'thread 1',
      });
      writer.event(ev.retrying(0, 1, anError('flaky')));
      expect((await state()).state).toBe('pending');
      writer.event(ev.ready(0));
      const second = ev.started(0, 2);
      writer.event(second);
      const error = anError('broken', 'E_BROKEN');
      const failed = ev.failed(0, 2, error);
      writer.event(failed);
      expect(await state()).toMatchObject({
        state: 'failed',
        attempts: 2,
        startedAt: second.time,
        worker: undefined,
        endedAt: failed.time,
        error,
        hasResult: false,
      });
      await writer.close('failed');
    });

    it('records how each task ended', async () => {
      const { store, info, writer, ev } = await oneRun(newStore);
      for (const e of ev.lifecycle(0)) writer.event(e);
      writer.event(ev.submitted(1, { deps: [0] }));
      const up = ev.upstreamFailed(1, 0);
      writer.event(up);
      writer.event(ev.submitted(2));
      writer.event(ev.ready(2));
      const cancelled = ev.cancelled(2, 'the run was cancelled');
      writer.event(cancelled);
      writer.event(ev.submitted(3));
      const cached = ev.cached(3, { runId: 'earlier', taskId: 9 }, 'key-3');
      writer.event(cached);
      await writer.flush();
      const [t0, t1, t2, t3] = store.tasks(info.id);
      expect(t0).toMatchObject({ state: 'succeeded', attempts: 1, error: undefined });
      expect(t1).toMatchObject({ state: 'upstream_failed', endedAt: up.time, attempts: 0 });
      expect(t1?.error).toMatchObject({ code: 'WEFT_UPSTREAM_FAILED', data: { upstreamId: 0 } });
      expect(t2).toMatchObject({ state: 'cancelled', endedAt: cancelled.time });
      expect(t2?.error).toMatchObject({
        code: 'WEFT_CANCELLED',
        message: expect.stringContaining('the run was cancelled'),
      });
      expect(t3).toMatchObject({
        state: 'cached',
        endedAt: cached.time,
        cachedFrom: { runId: 'earlier', taskId: 9 },
        error: undefined,
        hasResult: false,
      });
      await writer.close('failed');
    });

    it('stores results (inline bytes, artifacts) with their cache keys', async () => {
      const { store, info, writer, ev } = await oneRun(newStore);
      for (const id of [0, 1, 2]) for (const e of ev.lifecycle(id)) writer.event(e);
      const bytes = new Uint8Array([0, 1, 2, 250, 255, 0]);
      writer.result(0, { kind: 'inline', bytes }, 'key-0');
      bytes[0] = 99; // the store kept its own copy
      writer.result(1, { kind: 'artifact', hash: 'ab'.repeat(32), size: 5_000_000_000 }, undefined);
      writer.result(2, undefined, 'key-2');
      await writer.flush();
      expect(store.result(info.id, 0)).toEqual({
        kind: 'inline',
        bytes: new Uint8Array([0, 1, 2, 250, 255, 0]),
      });
      expect(store.result(info.id, 1)).toEqual({
        kind: 'artifact',
        hash: 'ab'.repeat(32),
        size: 5_000_000_000,
      });
      expect(store.result(info.id, 2)).toBeUndefined();
      expect(store.result(info.id, 7)).toBeUndefined();
      expect(store.result('no-such-run', 0)).toBeUndefined();
      const records = store.tasks(info.id);
      expect(records.map((t) => [t.hasResult, t.cacheKey])).toEqual([
        [true, 'key-0'],
        [true, undefined],
        [false, 'key-2'],
      ]);
      await writer.close('succeeded');
    });

    it('lists tasks in id order, filtered by state and by name or label, paged', async () => {
      const { store, info, writer, ev } = await oneRun(newStore);
      for (const id of [5, 2, 9, 0, 7]) {
        writer.event(
          ev.submitted(id, {
            name: id % 2 ? 'odd.compile' : 'even.link',
            label: id === 2 ? 'two' : undefined,
          }),
        );
      }
      for (const id of [2, 9]) writer.event(ev.ready(id));
      writer.event(ev.started(9));
      writer.event(ev.failed(9, 1, anError('no')));
      writer.event(ev.cancelled(7, 'stop'));
      await writer.flush();
      const ids = (q?: Parameters<RunStore['tasks']>[1]) =>
        store.tasks(info.id, q).map((t) => t.id);
      expect(ids()).toEqual([0, 2, 5, 7, 9]);
      expect(ids({ states: ['failed', 'ready'] })).toEqual([2, 9]);
      expect(ids({ states: ['pending'] })).toEqual([0, 5]);
      expect(ids({ states: [] })).toEqual([]);
      expect(ids({ name: 'compile' })).toEqual([5, 7, 9]);
      expect(ids({ name: 'tw' })).toEqual([2]);
      expect(ids({ name: 'link', states: ['pending'] })).toEqual([0]);
      expect(ids({ limit: 2 })).toEqual([0, 2]);
      expect(ids({ limit: 2, offset: 2 })).toEqual([5, 7]);
      expect(ids({ name: 'compile', offset: 1, limit: 1 })).toEqual([7]);
      expect(store.tasks('no-such-run')).toEqual([]);
      expect(store.task(info.id, 4)).toBeUndefined();
      await writer.close('failed');
    });

    it('lists at most 100 tasks by default', async () => {
      const { store, info, writer, ev } = await oneRun(newStore);
      for (let id = 0; id < 150; id++) writer.event(ev.submitted(id));
      await writer.flush();
      expect(store.tasks(info.id)).toHaveLength(100);
      expect(store.tasks(info.id, { limit: Number.MAX_SAFE_INTEGER })).toHaveLength(150);
      await writer.close('succeeded');
    });

    it("keeps the run's counts by state", async () => {
      const { store, info, writer, ev } = await oneRun(newStore);
      for (const e of ev.lifecycle(0)) writer.event(e);
      for (const e of ev.lifecycle(1)) writer.event(e);
      writer.event(ev.submitted(2));
      writer.event(ev.submitted(3));
      writer.event(ev.ready(3));
      writer.event(ev.started(3));
      writer.event(ev.submitted(4));
      writer.event(ev.cached(4, undefined));
      await writer.flush();
      expect(store.run(info.id)?.counts).toEqual({
        pending: 1,
        ready: 0,
        running: 1,
        succeeded: 2,
        failed: 0,
        upstream_failed: 0,
        cancelled: 0,
        cached: 1,
      });
      writer.event(ev.failed(3, 1, anError('x')));
      await writer.close('failed');
      expect(store.runs()[0]?.counts).toMatchObject({ running: 0, failed: 1, pending: 1 });
    });

    it('refuses bad task queries with a message', async () => {
      const { store, info, writer } = await oneRun(newStore);
      const bad = async (f: () => unknown, message: string) => {
        const error = await failure(f);
        expect(error.message).toBe(message);
        expect((error as { code?: string }).code).toBe('WEFT_STORE_BAD_INPUT');
      };
      await bad(
        () => store.tasks(info.id, { limit: -5 }),
        'limit must be an integer of at least 0, not -5',
      );
      await bad(
        () => store.tasks(info.id, { states: ['done' as 'failed'] }),
        'states must be task states (pending, ready, running, succeeded, failed, upstream_failed, cancelled, cached), not "done"',
      );
      await bad(
        () => store.task(info.id, -1),
        'a task id must be an integer of at least 0, not -1',
      );
      await writer.close('succeeded');
    });
  });
}
