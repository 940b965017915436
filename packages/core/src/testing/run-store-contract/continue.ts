/**
 * @module
 * The run store contract on `continueRun`: a writer that appends to a
 * recorded run's latest session (a run whose tasks end after the process
 * that recorded them exited), without the new session and the interrupted
 * tasks of a resume.
 */
import { describe, expect, it } from 'vitest';
import { RunAlreadyOpenError, RunNotFoundError } from '../../errors/store.ts';
import { Events, failure, runInfo, type StoreContext } from './helpers.ts';

const bytes = (n: number) => ({ kind: 'inline' as const, bytes: new Uint8Array([n]) });

/** Registers the tests of continuing a run. */
export function continueContract({ newStore, reopen }: StoreContext): void {
  describe('continueRun', () => {
    it('appends to the latest session: no new session, nothing interrupted', async () => {
      const store = await newStore();
      // A batch system's run: recorded by a process that is gone (pid 0: none).
      const info = runInfo({ pid: 0 });
      const first = store.openRun(info);
      const ev = new Events(info.id);
      first.event(ev.runStarted());
      first.event(ev.submitted(0));
      first.event(ev.submitted(1, { deps: [0] }));
      await first.flush();
      const other = reopen === undefined ? store : await reopen(store);
      // The recording process lets go of the run without ending it, and exits.
      await first.release();
      if (other !== store) await store[Symbol.asyncDispose]();
      const writer = other.continueRun(info.id);
      expect(writer.session).toBe(1);
      expect(other.run(info.id)).toMatchObject({ state: 'running', sessions: 1 });
      expect(other.task(info.id, 1)?.state).toBe('pending');
      writer.event(ev.started(0, 1, 'slurm job 7'));
      writer.event(ev.succeeded(0));
      writer.result(0, bytes(5), undefined);
      await writer.flush();
      expect(other.task(info.id, 0)).toMatchObject({ state: 'succeeded', worker: 'slurm job 7' });
      expect(other.result(info.id, 0)).toEqual(bytes(5));
      expect(other.run(info.id)?.counts).toMatchObject({ succeeded: 1, pending: 1 });
      writer.event(ev.started(1));
      writer.event(ev.succeeded(1));
      writer.event(ev.runFinished('succeeded'));
      await writer.close('succeeded');
      expect(other.run(info.id)).toMatchObject({ state: 'succeeded', sessions: 1 });
      expect(other.run(info.id)?.counts).toMatchObject({ succeeded: 2, pending: 0 });
      const types = other.events(info.id).map((e) => e.type);
      expect(types).toEqual([
        'run_started',
        'submitted',
        'submitted',
        'started',
        'succeeded',
        'started',
        'succeeded',
        'run_finished',
      ]);
    });

    it('refuses a run that is not recorded, or that this store object writes already', async () => {
      const store = await newStore();
      const missing = await failure(() => store.continueRun('01jnot-recorded'));
      expect(missing).toBeInstanceOf(RunNotFoundError);
      expect(missing.message).toMatch(/no run "01jnot-recorded" is recorded/);
      const info = runInfo();
      const writer = store.openRun(info);
      const open = await failure(() => store.continueRun(info.id));
      expect(open).toBeInstanceOf(RunAlreadyOpenError);
      await writer.close('failed');
      const again = store.continueRun(info.id);
      await again.close('failed');
      expect(store.run(info.id)?.sessions).toBe(1);
    });
  });
}
