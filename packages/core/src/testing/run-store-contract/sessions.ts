/**
 * @module
 * The run store contract on sessions: a claim (`info.resumes`) continues a
 * run only if no other resume came first; a resume starts a session whose
 * counts are its own tasks' (`sessionFirstTask` on), which `tasks()` can
 * show alone; `activeMs` adds up the sessions, not the gaps between them.
 */
import { describe, expect, it } from 'vitest';
import { RunClaimedError } from '../../errors/store.ts';
import type { RunInfo, RunStore } from '../../store/run-store.ts';
import { Events, failure, runInfo, type StoreContext, sleep } from './helpers.ts';

const ZERO = {
  pending: 0,
  ready: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  upstream_failed: 0,
  cancelled: 0,
  cached: 0,
};

/** A run recorded with a succeeded task 0 and a pending task 1, closed `failed`. */
async function stoppedRun(store: RunStore, over: Partial<RunInfo> = {}) {
  const info = runInfo(over);
  const writer = store.openRun(info);
  const ev = new Events(info.id);
  for (const e of ev.lifecycle(0)) writer.event(e);
  writer.event(ev.submitted(1));
  await writer.close('failed');
  return info;
}

const code = (error: Error) => (error as { code?: string }).code;

/** Registers the tests of sessions and claims. */
export function sessionsContract({ newStore, reopen }: StoreContext): void {
  describe('sessions', () => {
    it('a claim with the run’s session count continues it in a new session', async () => {
      const store = await newStore();
      const info = await stoppedRun(store);
      const writer = store.openRun({ ...info, pid: 777, resumes: 1 });
      expect(writer.session).toBe(2);
      expect(store.run(info.id)).toMatchObject({ state: 'running', sessions: 2, pid: 777 });
      expect(store.task(info.id, 1)?.state).toBe('cancelled');
      await writer.close('succeeded');
      const again = store.openRun({ ...info, resumes: 2 });
      expect(again.session).toBe(3);
      await again.close('succeeded');
      expect(store.run(info.id)?.sessions).toBe(3);
    });

    it('of two claims of the same session, the second throws, naming the first, and changes nothing', async () => {
      const store = await newStore();
      // Another store object on the same location stands for another process.
      const other = reopen === undefined ? store : await reopen(store);
      const info = await stoppedRun(store);
      const first = store.openRun({ ...info, host: 'host-a', pid: 1234, resumes: 1 });
      const recorded = other.run(info.id)!;
      const events = other.events(info.id);
      const message = `run ${info.id} was resumed by another process meanwhile (session 2, pid 1234 on host host-a); nothing was started`;
      for (const s of new Set([other, store])) {
        const error = await failure(() =>
          s.openRun({ ...info, host: 'host-b', pid: 5678, resumes: 1 }),
        );
        expect(error).toBeInstanceOf(RunClaimedError);
        expect(code(error)).toBe('WEFT_RUN_CLAIMED');
        expect(error.message).toBe(message);
        expect(error).toMatchObject({ runId: info.id, session: 2, host: 'host-a', pid: 1234 });
      }
      expect(other.run(info.id)).toMatchObject({
        state: recorded.state,
        sessions: 2,
        host: 'host-a',
        pid: 1234,
        sessionStartedAt: recorded.sessionStartedAt,
        sessionFirstTask: recorded.sessionFirstTask,
        counts: recorded.counts,
      });
      expect(other.events(info.id)).toEqual(events);
      // The first claim's session goes on writing.
      const ev = new Events(info.id, Date.now());
      for (const e of ev.lifecycle(2)) first.event(e);
      await first.close('succeeded');
      expect(other.run(info.id)).toMatchObject({
        state: 'succeeded',
        sessions: 2,
        host: 'host-a',
        pid: 1234,
      });
      expect(other.run(info.id)?.counts).toEqual({ ...ZERO, succeeded: 1 });
      expect(other.task(info.id, 2)?.state).toBe('succeeded');
    });

    it('a claim of a run it does not know, or a bad claim, is refused', async () => {
      const store = await newStore();
      const unknown = runInfo({ resumes: 1 });
      const error = await failure(() => store.openRun(unknown));
      expect(code(error)).toBe('WEFT_RUN_NOT_FOUND');
      expect(error.message).toBe(`no run "${unknown.id}" is recorded in ${store.location}`);
      expect(store.run(unknown.id)).toBeUndefined();
      const info = await stoppedRun(store);
      for (const [resumes, shown] of [
        [0, '0'],
        [1.5, '1.5'],
        ['1', '"1"'],
      ] as const) {
        const bad = await failure(() => store.openRun({ ...info, resumes: resumes as number }));
        expect(code(bad)).toBe('WEFT_STORE_BAD_INPUT');
        expect(bad.message).toBe(
          `resumes must be the number of sessions the run had (an integer of at least 1), not ${shown}`,
        );
      }
      expect(store.run(info.id)?.sessions).toBe(1);
    });

    it('a resume starts a session: its start, its first task, counts of its own tasks', async () => {
      const store = await newStore();
      const info = await stoppedRun(store, { startedAt: Date.now() - 60_000 });
      expect(store.run(info.id)).toMatchObject({
        sessionStartedAt: info.startedAt,
        sessionFirstTask: 0,
      });
      expect(store.run(info.id)?.counts).toEqual({ ...ZERO, succeeded: 1, pending: 1 });
      expect(store.tasks(info.id, { session: 'latest' }).map((t) => t.id)).toEqual([0, 1]);

      const resumedAt = Date.now();
      const writer = store.openRun({ ...info, startedAt: resumedAt });
      const run = store.run(info.id)!;
      expect(run).toMatchObject({
        startedAt: info.startedAt,
        sessionStartedAt: resumedAt,
        sessionFirstTask: 2,
        counts: ZERO,
      });
      // The earlier session's tasks are still there; `session: 'latest'` leaves them out.
      const states = () => store.tasks(info.id).map((t) => [t.id, t.state]);
      expect(states()).toEqual([
        [0, 'succeeded'],
        [1, 'cancelled'],
      ]);
      expect(store.tasks(info.id, { session: 'latest' })).toEqual([]);

      const ev = new Events(info.id, resumedAt);
      for (const e of ev.lifecycle(2)) writer.event(e);
      writer.event(ev.submitted(3));
      writer.event(ev.submitted(4));
      writer.event(ev.cancelled(4, 'user'));
      await writer.flush();
      expect(store.run(info.id)?.counts).toEqual({
        ...ZERO,
        succeeded: 1,
        pending: 1,
        cancelled: 1,
      });
      const latest = (q: Parameters<RunStore['tasks']>[1] = {}) =>
        store.tasks(info.id, { ...q, session: 'latest' }).map((t) => t.id);
      expect(latest()).toEqual([2, 3, 4]);
      expect(latest({ states: ['cancelled'] })).toEqual([4]);
      expect(latest({ states: ['pending', 'succeeded'] })).toEqual([2, 3]);
      expect(latest({ limit: 1, offset: 1 })).toEqual([3]);
      expect(latest({ name: 'task1' })).toEqual([4]);
      expect(store.tasks(info.id, { states: ['cancelled'] }).map((t) => t.id)).toEqual([1, 4]);
      await writer.close('succeeded');
    });

    it('activeMs adds up the sessions, not the gaps between them', async () => {
      const store = await newStore();
      const info = runInfo({ startedAt: Date.now() - 60_000 });
      await store.openRun(info).close('failed');
      const first = store.run(info.id)!;
      expect(first.activeMs).toBe(first.endedAt! - info.startedAt);

      await sleep(25);
      const resumedAt = Date.now();
      const writer = store.openRun({ ...info, startedAt: resumedAt });
      const t0 = Date.now();
      const running = store.run(info.id)!.activeMs;
      const t1 = Date.now();
      expect(running).toBeGreaterThanOrEqual(first.activeMs + (t0 - resumedAt));
      expect(running).toBeLessThanOrEqual(first.activeMs + (t1 - resumedAt));
      await writer.close('succeeded');
      const done = store.run(info.id)!;
      expect(done.activeMs).toBe(first.activeMs + (done.endedAt! - resumedAt));
      expect(done.activeMs).toBeLessThan(done.endedAt! - info.startedAt);
      expect(store.runs()[0]).toEqual(done);
    });
  });
}
