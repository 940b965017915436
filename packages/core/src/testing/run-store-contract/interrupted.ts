/**
 * @module
 * The run store contract on interrupted runs: a run recorded as running
 * whose process (on this machine) is gone reads as `interrupted`, is listed
 * as such and not as running, and its active time stops at its last
 * recorded activity; a resume counts that session up to there.
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RunQuery } from '../../store/run-store.ts';
import { deadPid, Events, runInfo, type StoreContext, sleep } from './helpers.ts';

/** Registers the tests of interrupted runs. */
export function interruptedContract({ newStore, reopen }: StoreContext): void {
  describe('interrupted runs', () => {
    it('a running run whose process here is gone reads as interrupted, its time frozen', async () => {
      const store = await newStore();
      const here = hostname();
      const pid = await deadPid();
      const gone = runInfo({ host: here, pid, startedAt: Date.now() - 5000 });
      const writer = store.openRun(gone);
      const ev = new Events(gone.id);
      for (const e of ev.lifecycle(0)) writer.event(e);
      await sleep(5);
      const before = Date.now();
      writer.event(ev.submitted(1));
      await writer.flush();
      const after = Date.now();
      // This process, another machine's process (it cannot be checked), a closed run.
      const own = runInfo({ host: here, pid: process.pid });
      const elsewhere = runInfo({ host: `not-${here}`, pid });
      const ended = runInfo({ host: here, pid });
      const writers = [store.openRun(own), store.openRun(elsewhere)];
      await store.openRun(ended).close('succeeded');

      const run = store.run(gone.id)!;
      expect(run.state).toBe('interrupted');
      expect(run.lastActiveAt).toBeGreaterThanOrEqual(before);
      expect(run.lastActiveAt).toBeLessThanOrEqual(after);
      expect(run.activeMs).toBe(run.lastActiveAt - gone.startedAt);
      await sleep(30);
      expect(store.run(gone.id)?.activeMs).toBe(run.activeMs);
      expect(store.run(own.id)?.state).toBe('running');
      expect(store.run(elsewhere.id)?.state).toBe('running');
      expect(store.run(ended.id)?.state).toBe('succeeded');

      const ids = (q: RunQuery) => store.runs(q).map((r) => r.id);
      expect(ids({ state: 'interrupted' })).toEqual([gone.id]);
      expect(store.runs({ state: 'interrupted' })[0]).toEqual(store.run(gone.id));
      expect(ids({ state: 'running' }).sort()).toEqual([own.id, elsewhere.id].sort());
      expect(ids({ state: 'running', limit: 1, offset: 1 })).toHaveLength(1);
      expect(ids({ state: 'interrupted', offset: 1 })).toEqual([]);
      expect(ids({ state: 'interrupted', workflow: '/elsewhere.ts' })).toEqual([]);
      const t0 = Date.now();
      const running = store.run(own.id)!.activeMs;
      expect(running).toBeGreaterThanOrEqual(t0 - own.startedAt);
      expect(running).toBeLessThanOrEqual(Date.now() - own.startedAt);
      for (const w of writers) await w.close('succeeded');
      await writer.close('failed');
      expect(store.run(gone.id)?.state).toBe('failed');
    });

    it('a resume counts the interrupted session up to its last activity', async (ctx) => {
      if (reopen === undefined) return ctx.skip('the store does not persist');
      const store = await newStore();
      const info = runInfo({ host: hostname(), pid: await deadPid(), startedAt: Date.now() });
      const writer = store.openRun(info);
      const ev = new Events(info.id);
      for (const e of ev.lifecycle(0)) writer.event(e);
      writer.event(ev.submitted(1));
      await sleep(5);
      // The process "dies": its writes stop; the run stays recorded as running.
      await store[Symbol.asyncDispose]();
      const again = await reopen(store);
      const interrupted = again.run(info.id)!;
      expect(interrupted.state).toBe('interrupted');
      expect(interrupted.counts).toMatchObject({ succeeded: 1, pending: 1 });
      await sleep(25);
      const resumedAt = Date.now();
      const resumed = again.openRun({
        ...info,
        pid: process.pid,
        startedAt: resumedAt,
        resumes: interrupted.sessions,
      });
      const run = again.run(info.id)!;
      expect(run).toMatchObject({ state: 'running', sessions: 2, sessionFirstTask: 2 });
      expect(again.task(info.id, 1)?.state).toBe('cancelled');
      await resumed.close('succeeded');
      const done = again.run(info.id)!;
      expect(done.activeMs).toBe(interrupted.activeMs + (done.endedAt! - resumedAt));
    });
  });
}
