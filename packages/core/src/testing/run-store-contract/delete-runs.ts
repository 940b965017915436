/**
 * @module
 * The run store contract on deleting old runs (`deleteRuns`): every run
 * that ended before a time goes, with everything recorded of it, from
 * every query; a running run and a run written through the store object
 * stay; and `artifactHashes`, what the remaining records reference.
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RunInfo, RunStore, StoredResult } from '../../store/run-store.ts';
import { deadPid, Events, failure, runInfo, type StoreContext, sleep } from './helpers.ts';

const inline = (n: number): StoredResult => ({ kind: 'inline', bytes: new Uint8Array([n]) });
const artifact = (c: string): StoredResult => ({ kind: 'artifact', hash: c.repeat(64), size: 9 });
const code = (error: Error) => (error as { code?: string }).code;

/** Records a run of two tasks (results under `key`, task 1's `result`), a log, and its own result. */
function record(store: RunStore, info: RunInfo, key: string, result = inline(1)) {
  const writer = store.openRun(info);
  const ev = new Events(info.id);
  writer.event(ev.runStarted());
  for (const e of ev.lifecycle(0)) writer.event(e);
  writer.result(0, inline(0), key);
  writer.event(ev.log(0, 'zero'));
  for (const e of ev.lifecycle(1)) writer.event(e);
  writer.result(1, result, undefined);
  writer.event(ev.log(-1, 'main'));
  return writer;
}

/** True when no query of the store finds anything of the run. */
function gone(store: RunStore, id: string, key: string): void {
  expect(store.run(id)).toBeUndefined();
  expect(store.run(id.slice(0, -1))?.id).not.toBe(id);
  expect(store.runs({ limit: 1000 }).map((r) => r.id)).not.toContain(id);
  expect(store.tasks(id)).toEqual([]);
  expect(store.task(id, 0)).toBeUndefined();
  expect(store.attempts(id, 0)).toEqual([]);
  expect(store.events(id)).toEqual([]);
  expect(store.events(id, { taskId: 0 })).toEqual([]);
  expect(store.logs(id)).toEqual([]);
  expect(store.result(id, 0)).toBeUndefined();
  expect(store.runResult(id)).toBeUndefined();
  expect(store.findCached(key)).toBeUndefined();
}

/** Registers the tests of `deleteRuns` and `artifactHashes`. */
export function deleteRunsContract({ newStore, reopen }: StoreContext): void {
  describe('deleteRuns', () => {
    it('deletes the runs that ended before a time, with everything of them', async () => {
      const store = await newStore();
      const a = runInfo({ startedAt: 3000 });
      const b = runInfo({ startedAt: 2000 });
      const c = runInfo({ startedAt: 1000 });
      await record(store, a, 'ka').close('succeeded', artifact('a'));
      await record(store, b, 'kb').close('failed');
      await sleep(2);
      const cut = Date.now();
      await sleep(2);
      await record(store, c, 'kc').close('cancelled', inline(3));
      const kept = { run: store.run(c.id), events: store.events(c.id), tasks: store.tasks(c.id) };

      expect(store.deleteRuns({ endedBefore: cut, dryRun: true })).toEqual([b.id, a.id]);
      expect(store.run(a.id)?.state).toBe('succeeded');
      expect(store.findCached('ka')?.runId).toBe(a.id);
      expect(store.deleteRuns({ endedBefore: cut })).toEqual([b.id, a.id]);
      gone(store, a.id, 'ka');
      gone(store, b.id, 'kb');
      expect(store.runs({ state: 'succeeded' })).toEqual([]);
      expect(store.run(c.id)).toEqual(kept.run);
      expect(store.events(c.id)).toEqual(kept.events);
      expect(store.tasks(c.id)).toEqual(kept.tasks);
      expect(store.findCached('kc')?.runId).toBe(c.id);
      expect(store.deleteRuns({ endedBefore: cut })).toEqual([]);
      if (reopen !== undefined) {
        const again = await reopen(store);
        gone(again, a.id, 'ka');
        expect(again.logs(c.id)).toHaveLength(2);
      }

      // A deleted run's id can be recorded afresh.
      const writer = store.openRun(a);
      expect(store.run(a.id)).toMatchObject({ sessions: 1, counts: { succeeded: 0 } });
      expect(store.tasks(a.id)).toEqual([]);
      const ev = new Events(a.id);
      for (const e of ev.lifecycle(0)) writer.event(e);
      await writer.close('succeeded');
      expect(store.tasks(a.id).map((t) => t.id)).toEqual([0]);
      expect(store.events(a.id)).toHaveLength(4);
    });

    it('leaves nothing of a deleted run to a run recorded after it', async () => {
      const store = await newStore();
      const old = runInfo();
      await record(store, old, 'old-key', artifact('e')).close('succeeded', inline(2));
      expect(store.deleteRuns({ endedBefore: Number.POSITIVE_INFINITY })).toEqual([old.id]);
      // The newest run was deleted: a store may number the next one as it.
      const next = runInfo();
      const writer = store.openRun(next);
      const ev = new Events(next.id);
      writer.event(ev.submitted(0));
      await writer.close('failed');
      expect(store.tasks(next.id).map((t) => [t.id, t.state])).toEqual([[0, 'pending']]);
      expect(store.events(next.id).map((e) => e.type)).toEqual(['submitted']);
      expect(store.logs(next.id)).toEqual([]);
      expect(store.result(next.id, 0)).toBeUndefined();
      expect(store.result(next.id, 1)).toBeUndefined();
      expect(store.findCached('old-key')).toBeUndefined();
      expect(store.artifactHashes()).toEqual([]);
      gone(store, old.id, 'old-key');
    });

    it('never deletes a run written through this store object', async () => {
      const store = await newStore();
      const here = hostname();
      // Recorded as running by a process that is gone: it reads as interrupted.
      const dead = runInfo({ host: here, pid: await deadPid() });
      const alive = runInfo({ host: here, pid: process.pid });
      const resumed = runInfo();
      await store.openRun(resumed).close('failed');
      const writers = [store.openRun(dead), store.openRun(alive), store.openRun(resumed)];
      expect(store.run(dead.id)?.state).toBe('interrupted');
      const everything = { endedBefore: Number.POSITIVE_INFINITY };
      expect(store.deleteRuns(everything)).toEqual([]);
      expect(store.runs().map((r) => r.id)).toHaveLength(3);
      await writers[0]!.close('failed');
      await writers[2]!.close('succeeded');
      expect(store.deleteRuns(everything)).toEqual([dead.id, resumed.id]);
      expect(store.run(alive.id)?.state).toBe('running');
      await writers[1]!.close('succeeded');
      expect(store.deleteRuns(everything)).toEqual([alive.id]);
    });

    it('keeps running runs of other store objects; deletes interrupted ones by their last activity', async (ctx) => {
      if (reopen === undefined) return ctx.skip('the store does not persist');
      const store = await newStore();
      const here = hostname();
      const dead = runInfo({ host: here, pid: await deadPid() });
      const alive = runInfo({ host: here, pid: process.pid });
      const elsewhere = runInfo({ host: `not-${here}`, pid: dead.pid });
      for (const info of [dead, alive, elsewhere]) {
        const writer = store.openRun(info);
        writer.event(new Events(info.id).submitted(0));
        await writer.flush();
      }
      // The writers' process "ends" without closing them: the runs stay recorded as running.
      await store[Symbol.asyncDispose]();
      const other = await reopen(store);
      const last = other.run(dead.id)!;
      expect(last.state).toBe('interrupted');
      expect(other.deleteRuns({ endedBefore: last.lastActiveAt })).toEqual([]);
      expect(other.deleteRuns({ endedBefore: last.lastActiveAt + 1 })).toEqual([dead.id]);
      gone(other, dead.id, 'none');
      expect(other.deleteRuns({ endedBefore: Number.POSITIVE_INFINITY })).toEqual([]);
      expect(other.run(alive.id)?.state).toBe('running');
      expect(other.run(elsewhere.id)?.state).toBe('running');
    });

    it('refuses options that are not a time, deleting nothing', async () => {
      const store = await newStore();
      await store.openRun(runInfo()).close('succeeded');
      for (const options of [undefined, {}, { endedBefore: '1d' }, { endedBefore: Number.NaN }]) {
        const error = await failure(() => store.deleteRuns(options as never));
        expect(code(error)).toBe('WEFT_STORE_BAD_INPUT');
        expect(error.message).toMatch(/^(deleteRuns needs|endedBefore must be a time)/);
      }
      expect(store.runs()).toHaveLength(1);
    });
  });

  describe('artifactHashes', () => {
    it("lists the artifacts the tasks' and runs' results reference, once each, sorted", async () => {
      const store = await newStore();
      expect(store.artifactHashes()).toEqual([]);
      const a = runInfo();
      const b = runInfo();
      const c = runInfo();
      await record(store, a, 'ka', artifact('d')).close('succeeded', artifact('b'));
      const w = record(store, b, 'kb', artifact('d'));
      const later = new Events(b.id, 2e12);
      w.event(later.submitted(2));
      w.event(later.cached(2, { runId: a.id, taskId: 1 }));
      w.result(2, artifact('a'), undefined);
      await w.close('succeeded', inline(5));
      await record(store, c, 'kc').close('failed');
      const [ha, hb, hd] = ['a', 'b', 'd'].map((x) => x.repeat(64));
      expect(store.artifactHashes()).toEqual([ha, hb, hd]);
      expect(store.artifactHashes({ exceptRuns: [a.id] })).toEqual([ha, hd]);
      expect(store.artifactHashes({ exceptRuns: [a.id, b.id, 'no-such-run'] })).toEqual([]);
      const error = await failure(() => store.artifactHashes({ exceptRuns: 'a' as never }));
      expect(code(error)).toBe('WEFT_STORE_BAD_INPUT');

      // A resume clears the run's own result; a deleted run references nothing.
      await store.openRun(a).close('failed');
      expect(store.artifactHashes()).toEqual([ha, hd]);
      store.deleteRuns({ endedBefore: Number.POSITIVE_INFINITY });
      expect(store.artifactHashes()).toEqual([]);
    });
  });
}
