/**
 * @module
 * The run store contract on runs: `openRun` records a running run, `close`
 * its final state, and the run queries find them (newest first, filtered
 * and paged in the store, by id or unique prefix); `requestCancel`.
 */
import { describe, expect, it } from 'vitest';
import type { RunState, RunStore } from '../../store/run-store.ts';
import { Events, failure, runInfo, type StoreContext } from './helpers.ts';

const ZERO_COUNTS = {
  pending: 0,
  ready: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  upstream_failed: 0,
  cancelled: 0,
  cached: 0,
};

async function closedRun(
  store: RunStore,
  state: RunState,
  over: Parameters<typeof runInfo>[0] = {},
) {
  const info = runInfo(over);
  await store.openRun(info).close(state);
  return info;
}

/** Registers the tests of run records and run queries. */
export function runsContract({ newStore }: StoreContext): void {
  describe('runs', () => {
    it('openRun records a running run with its info, in session 1', async () => {
      const store = await newStore();
      const info = runInfo();
      const before = Date.now();
      const writer = store.openRun(info);
      expect(writer.runId).toBe(info.id);
      expect(writer.session).toBe(1);
      const run = store.run(info.id)!;
      expect(run).toEqual({
        ...info,
        executorConfig: undefined,
        state: 'running',
        endedAt: undefined,
        sessions: 1,
        sessionStartedAt: info.startedAt,
        sessionFirstTask: 0,
        lastActiveAt: expect.any(Number),
        activeMs: expect.any(Number),
        counts: ZERO_COUNTS,
        hasResult: false,
        cancelRequested: undefined,
      });
      expect(Object.keys(run)).not.toContain('resumes');
      expect(run.lastActiveAt).toBeGreaterThanOrEqual(before);
      expect(run.lastActiveAt).toBeLessThanOrEqual(Date.now());
      await writer.close('succeeded');
    });

    it('close records the final state and the end time, and later events are ignored', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      const ev = new Events(info.id);
      writer.event(ev.runStarted());
      const before = Date.now();
      await writer.close('failed');
      const run = store.run(info.id)!;
      expect(run.state).toBe('failed');
      expect(run.endedAt).toBeGreaterThanOrEqual(before);
      expect(run.endedAt).toBeLessThanOrEqual(Date.now());
      writer.event(ev.submitted(0));
      writer.result(0, { kind: 'inline', bytes: new Uint8Array([1]) }, undefined);
      await writer.close('succeeded');
      await writer.flush();
      expect(store.run(info.id)!.state).toBe('failed');
      expect(store.tasks(info.id)).toEqual([]);
      expect(store.events(info.id).map((e) => e.type)).toEqual(['run_started']);
    });

    it('lists runs newest first, filtered by state and workflow, paged', async () => {
      const store = await newStore();
      const a = await closedRun(store, 'succeeded', { startedAt: 1000, workflow: '/w/a.ts' });
      const b = await closedRun(store, 'failed', { startedAt: 3000, workflow: '/w/b.ts' });
      const c = await closedRun(store, 'succeeded', { startedAt: 2000, workflow: '/w/a.ts' });
      // Same start time: the one recorded later is newer.
      const d = await closedRun(store, 'cancelled', { startedAt: 2000, workflow: '/w/b.ts' });
      const ids = (q?: Parameters<RunStore['runs']>[0]) => store.runs(q).map((r) => r.id);
      expect(ids()).toEqual([b.id, d.id, c.id, a.id]);
      expect(ids({ state: 'succeeded' })).toEqual([c.id, a.id]);
      expect(ids({ workflow: '/w/b.ts' })).toEqual([b.id, d.id]);
      expect(ids({ workflow: '/w/a.ts', state: 'failed' })).toEqual([]);
      expect(ids({ limit: 2 })).toEqual([b.id, d.id]);
      expect(ids({ limit: 2, offset: 1 })).toEqual([d.id, c.id]);
      expect(ids({ offset: 3 })).toEqual([a.id]);
      expect(ids({ limit: 0 })).toEqual([]);
      expect(store.runs()[0]).toEqual(store.run(b.id));
    });

    it('lists at most 100 runs by default', async () => {
      const store = await newStore();
      for (let i = 0; i < 101; i++) await closedRun(store, 'succeeded');
      expect(store.runs()).toHaveLength(100);
      expect(store.runs({ limit: 1000 })).toHaveLength(101);
    });

    it('finds a run by id, or by a prefix only one run has', async () => {
      const store = await newStore();
      await closedRun(store, 'succeeded', { id: 'abc-111' });
      await closedRun(store, 'succeeded', { id: 'abc-222' });
      await closedRun(store, 'succeeded', { id: 'abc' });
      expect(store.run('abc-111')?.id).toBe('abc-111');
      expect(store.run('abc-2')?.id).toBe('abc-222');
      expect(store.run('abc')?.id).toBe('abc');
      expect(store.run('abc-')).toBeUndefined();
      expect(store.run('zzz')).toBeUndefined();
      expect(store.run('')).toBeUndefined();
    });

    it('records a cancel request for the run to see', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      store.requestCancel(info.id, 'stopped from the terminal');
      expect(store.run(info.id)?.cancelRequested).toBe('stopped from the terminal');
      await writer.close('cancelled');
      expect(store.run(info.id)?.cancelRequested).toBe('stopped from the terminal');
    });

    it('refuses a cancel request for a run it does not know', async () => {
      const store = await newStore();
      const error = await failure(() => store.requestCancel('no-such-run', 'why'));
      expect(error.message).toBe(`no run "no-such-run" is recorded in ${store.location}`);
      expect((error as { code?: string }).code).toBe('WEFT_RUN_NOT_FOUND');
    });

    it('refuses bad run queries with a message', async () => {
      const store = await newStore();
      const bad = async (f: () => unknown, message: string) => {
        const error = await failure(f);
        expect(error.message).toBe(message);
        expect((error as { code?: string }).code).toBe('WEFT_STORE_BAD_INPUT');
      };
      await bad(() => store.runs({ limit: -1 }), 'limit must be an integer of at least 0, not -1');
      await bad(
        () => store.runs({ offset: 1.5 }),
        'offset must be an integer of at least 0, not 1.5',
      );
      await bad(
        () => store.runs({ state: 'done' as RunState }),
        'state must be one of running, interrupted, succeeded, failed, cancelled, not "done"',
      );
      await bad(
        () => store.openRun(runInfo({ id: '' })),
        'a run id must be a non-empty string, not ""',
      );
    });

    it('refuses close without a final state, and a second writer for an open run', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      const error = await failure(() => writer.close('running'));
      expect(error.message).toBe(
        'close(state) needs the run\'s final state (succeeded, failed or cancelled), not "running"',
      );
      const again = await failure(() => store.openRun(info));
      expect((again as { code?: string }).code).toBe('WEFT_STORE_RUN_OPEN');
      expect(again.message).toContain(`run ${info.id} is already being written`);
      await writer.close('succeeded');
      expect(store.run(info.id)?.state).toBe('succeeded');
    });
  });
}
