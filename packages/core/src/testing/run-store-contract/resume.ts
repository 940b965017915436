/**
 * @module
 * The run store contract on resumes: `openRun` of a recorded run id marks
 * it running again in a new session, and turns the tasks the earlier
 * session left unfinished into `cancelled` (reason `interrupted`), with
 * events whose `seq` continues the run's. The sessions themselves (their
 * counts, times, claims) are in `sessions.ts`.
 */
import { describe, expect, it } from 'vitest';
import { Events, runInfo, type StoreContext } from './helpers.ts';

/** Registers the tests of resumed runs. */
export function resumeContract({ newStore }: StoreContext): void {
  describe('resume', () => {
    it('reopens a run in a new session and interrupts its unfinished tasks', async () => {
      const store = await newStore();
      const info = runInfo();
      const first = store.openRun(info);
      const ev = new Events(info.id);
      for (const e of ev.lifecycle(0)) first.event(e);
      first.result(0, { kind: 'inline', bytes: new Uint8Array([7]) }, 'k0');
      first.event(ev.submitted(1)); // pending
      first.event(ev.submitted(2));
      first.event(ev.ready(2)); // ready
      first.event(ev.submitted(3));
      first.event(ev.ready(3));
      first.event(ev.started(3, 1, 'thread 1')); // running
      first.event(ev.submitted(4));
      first.event(ev.cancelled(4, 'user')); // finished
      await first.close('failed');
      const lastSeq = store.events(info.id).at(-1)!.seq;

      const before = Date.now();
      const second = store.openRun({ ...runInfo(), id: info.id, pid: 777 });
      expect(second.session).toBe(2);
      const run = store.run(info.id)!;
      expect(run).toMatchObject({
        state: 'running',
        endedAt: undefined,
        sessions: 2,
        startedAt: info.startedAt,
        workflow: info.workflow,
      });
      // The counts are the new session's: none yet. Its tasks follow the recorded ones.
      expect(run.sessionFirstTask).toBe(5);
      expect(Object.values(run.counts).every((n) => n === 0)).toBe(true);
      expect(store.tasks(info.id).map((t) => t.state)).toEqual([
        'succeeded',
        'cancelled',
        'cancelled',
        'cancelled',
        'cancelled',
      ]);
      const added = store.events(info.id, { afterSeq: lastSeq });
      expect(added.map((e) => [e.type, 'taskId' in e && e.taskId])).toEqual([
        ['cancelled', 1],
        ['cancelled', 2],
        ['cancelled', 3],
      ]);
      for (const e of added) {
        expect(e).toMatchObject({
          reason: 'interrupted',
          runId: info.id,
          name: `task${'taskId' in e ? e.taskId % 3 : ''}`,
        });
        expect(e.time).toBeGreaterThanOrEqual(before);
      }
      expect(added[2]).toMatchObject({ attempt: 1 });
      expect(store.task(info.id, 3)).toMatchObject({
        state: 'cancelled',
        attempts: 1,
        worker: 'thread 1',
      });
      expect(store.task(info.id, 3)?.error).toMatchObject({ code: 'WEFT_CANCELLED' });
      expect(store.attempts(info.id, 3)).toMatchObject([{ attempt: 1, outcome: 'cancelled' }]);
      expect(store.result(info.id, 0)).toEqual({ kind: 'inline', bytes: new Uint8Array([7]) });

      // The new session's events come after.
      const ev2 = new Events(info.id, Date.now());
      for (const e of ev2.lifecycle(5)) second.event(e);
      await second.close('succeeded');
      const all = store.events(info.id);
      expect(all.slice(-4).map((e) => e.type)).toEqual([
        'submitted',
        'ready',
        'started',
        'succeeded',
      ]);
      for (let i = 1; i < all.length; i++) expect(all[i]!.seq).toBeGreaterThan(all[i - 1]!.seq);
      expect(store.run(info.id)).toMatchObject({ state: 'succeeded', sessions: 2 });
      expect(store.run(info.id)?.counts).toMatchObject({ succeeded: 1, cancelled: 0 });
    });

    it('counts every session', async () => {
      const store = await newStore();
      const info = runInfo();
      for (let session = 1; session <= 3; session++) {
        const writer = store.openRun(info);
        expect(writer.session).toBe(session);
        await writer.close('cancelled');
      }
      expect(store.run(info.id)?.sessions).toBe(3);
      expect(store.runs()).toHaveLength(1);
    });
  });
}
