/**
 * @module
 * The run store contract on events, logs and attempts: what was written
 * comes back equal, with a `seq` that increases in write order within the
 * run; filters and paging (`taskId`, `types`, `afterSeq`, `limit`) apply in
 * the store; attempts are derived from a task's events.
 */
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../events/events.ts';
import type { RunStore } from '../../store/run-store.ts';
import { anError, Events, failure, runInfo, type StoreContext, withoutSeq } from './helpers.ts';

/**
 * One run with a bit of everything, flushed; returns what was written, in
 * order. With `fields`, `ready`, `started` and `succeeded` go through the
 * writer's `transition` (when it has one) rather than `event`.
 */
async function writeMixedRun(store: RunStore, fields = false) {
  const info = runInfo();
  const writer = store.openRun(info);
  const ev = new Events(info.id);
  const written: RunEvent[] = [
    ev.runStarted(),
    ev.submitted(0, {
      name: 'fetch',
      label: 'fetch "données" ✓',
      deps: [],
      argsHash: 'f00d',
      requirements: { cpus: 1.5 },
    }),
    ev.submitted(1, { name: 'parse', parentId: 0, deps: [0], ordinal: 3 }),
    ev.log(-1, 'starting', { tasks: 2 }),
    ev.ready(0),
    ev.started(0, 1, 'pid 4242'),
    ev.log(0, 'fetching', { url: 'https://example.com', nested: { a: [1, 'two', null] } }, 'debug'),
    ev.retrying(0, 1, anError('timeout', 'ETIMEDOUT'), 250.5),
    ev.ready(0),
    ev.started(0, 2),
    ev.log(0, 'again', undefined, 'warn'),
    ev.succeeded(0, 2),
    ev.ready(1),
    ev.started(1, 1),
    ev.failed(1, 1, anError('bad input')),
    ev.log(1, 'failed', undefined, 'error'),
    ev.submitted(2, { deps: [1] }),
    ev.upstreamFailed(2, 1),
    ev.submitted(3),
    ev.cancelled(3, 'the run failed'),
    ev.submitted(4, { argsHash: undefined }),
    ev.cached(4, { runId: 'other', taskId: 12 }, 'k4'),
    ev.submitted(5),
    ev.cached(5, undefined, undefined),
    ev.runFinished('failed'),
  ];
  const write = (e: RunEvent): void => {
    if (
      fields &&
      writer.transition !== undefined &&
      (e.type === 'ready' || e.type === 'started' || e.type === 'succeeded')
    ) {
      const worker = e.type === 'started' ? e.worker : undefined;
      writer.transition(e.type, e.taskId, e.attempt, e.name, e.label, e.time, worker);
    } else writer.event(e);
  };
  // In two flushes, so the events span more than one batch.
  for (const e of written.slice(0, 9)) write(e);
  await writer.flush();
  for (const e of written.slice(9)) write(e);
  await writer.close('failed');
  return { info, written };
}

const taskOf = (e: RunEvent) => ('taskId' in e ? e.taskId : undefined);

/** Registers the tests of events, logs and attempts. */
export function eventsContract({ newStore }: StoreContext): void {
  describe('events and logs', () => {
    it("returns a task's events as written, plus seq, in write order", async () => {
      const store = await newStore();
      const { info, written } = await writeMixedRun(store);
      for (const id of [0, 1, 2, 3, 4, 5]) {
        const stored = store.events(info.id, { taskId: id });
        expect(withoutSeq(stored)).toStrictEqual(written.filter((e) => taskOf(e) === id));
        const seqs = stored.map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
      expect(store.events(info.id, { taskId: 77 })).toEqual([]);
    });

    it('gives the whole run in write order, seq increasing', async () => {
      const store = await newStore();
      const { info, written } = await writeMixedRun(store);
      const all = store.events(info.id);
      expect(withoutSeq(all)).toStrictEqual(written);
      for (let i = 1; i < all.length; i++) expect(all[i]!.seq).toBeGreaterThan(all[i - 1]!.seq);
      // The seq of an event is the same however it is queried.
      const bySeq = new Map(all.map((e) => [e.seq, e]));
      for (const e of store.events(info.id, { taskId: 0 })) expect(bySeq.get(e.seq)).toEqual(e);
      expect(store.events('no-such-run')).toEqual([]);
    });

    it('stores transitions given as fields (`transition`) as it stores their events', async () => {
      const store = await newStore();
      const { info, written } = await writeMixedRun(store, true);
      expect(withoutSeq(store.events(info.id))).toStrictEqual(written);
      expect(withoutSeq(store.events(info.id, { taskId: 0 }))).toStrictEqual(
        written.filter((e) => taskOf(e) === 0),
      );
    });

    it('filters by type, and pages with afterSeq and limit', async () => {
      const store = await newStore();
      const { info, written } = await writeMixedRun(store);
      const all = store.events(info.id);
      const types = ['started', 'run_finished', 'log'] as const;
      expect(withoutSeq(store.events(info.id, { types: [...types] }))).toStrictEqual(
        written.filter((e) => (types as readonly string[]).includes(e.type)),
      );
      expect(store.events(info.id, { taskId: 0, types: ['started'] }).map((e) => e.time)).toEqual(
        written.filter((e) => e.type === 'started' && e.taskId === 0).map((e) => e.time),
      );
      const paged: number[] = [];
      let after = 0;
      for (;;) {
        const page = store.events(info.id, { afterSeq: after, limit: 4 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(4);
        paged.push(...page.map((e) => e.seq));
        after = page[page.length - 1]!.seq;
      }
      expect(paged).toEqual(all.map((e) => e.seq));
      const mid = all[10]!.seq;
      expect(store.events(info.id, { afterSeq: mid }).map((e) => e.seq)).toEqual(
        all.slice(11).map((e) => e.seq),
      );
      const task0 = store.events(info.id, { taskId: 0 });
      expect(store.events(info.id, { taskId: 0, afterSeq: task0[2]!.seq, limit: 2 })).toEqual(
        task0.slice(3, 5),
      );
      expect(store.events(info.id, { limit: 0 })).toEqual([]);
    });

    it('returns at most 1000 events by default', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      const ev = new Events(info.id);
      for (let id = 0; id < 400; id++) for (const e of ev.lifecycle(id)) writer.event(e);
      await writer.close('succeeded');
      expect(store.events(info.id)).toHaveLength(1000);
      expect(store.events(info.id, { limit: 5000 })).toHaveLength(1600);
    });

    it('returns logs in write order, by task, paged', async () => {
      const store = await newStore();
      const { info, written } = await writeMixedRun(store);
      const logs = written.filter((e) => e.type === 'log');
      const stored = store.logs(info.id);
      expect(withoutSeq(stored)).toStrictEqual(logs);
      expect(withoutSeq(store.logs(info.id, { taskId: 0 }))).toStrictEqual(
        logs.filter((e) => e.taskId === 0),
      );
      expect(withoutSeq(store.logs(info.id, { taskId: -1 }))).toStrictEqual(
        logs.filter((e) => e.taskId === -1),
      );
      expect(store.logs(info.id, { afterSeq: stored[1]!.seq, limit: 1 })).toEqual([stored[2]]);
      expect(store.logs(info.id, { taskId: 4 })).toEqual([]);
      // A task's logs are among its events.
      expect(store.events(info.id, { taskId: 1, types: ['log'] })).toEqual(
        stored.filter((e) => e.taskId === 1),
      );
    });

    it("derives a task's attempts from its events", async () => {
      const store = await newStore();
      const { info, written } = await writeMixedRun(store);
      const at = (type: string, id: number, n = 0) =>
        written.filter((e) => e.type === type && taskOf(e) === id)[n]!.time;
      expect(store.attempts(info.id, 0)).toEqual([
        {
          attempt: 1,
          startedAt: at('started', 0),
          endedAt: at('retrying', 0),
          outcome: 'retrying',
          error: anError('timeout', 'ETIMEDOUT'),
          worker: 'pid 4242',
        },
        {
          attempt: 2,
          startedAt: at('started', 0, 1),
          endedAt: at('succeeded', 0),
          outcome: 'succeeded',
          error: undefined,
          worker: undefined,
        },
      ]);
      expect(store.attempts(info.id, 1)).toEqual([
        {
          attempt: 1,
          startedAt: at('started', 1),
          endedAt: at('failed', 1),
          outcome: 'failed',
          error: anError('bad input'),
          worker: undefined,
        },
      ]);
      for (const id of [2, 3, 4, 5, 99]) expect(store.attempts(info.id, id)).toEqual([]);
    });

    it('keeps the runs apart', async () => {
      const store = await newStore();
      const a = runInfo();
      const b = runInfo();
      const wa = store.openRun(a);
      const wb = store.openRun(b);
      const ea = new Events(a.id);
      const eb = new Events(b.id);
      for (const e of ea.lifecycle(0)) wa.event(e);
      for (const e of eb.lifecycle(0, { name: 'other' })) wb.event(e);
      wb.event(eb.log(0, 'only in b'));
      await Promise.all([wa.close('succeeded'), wb.close('succeeded')]);
      expect(store.events(a.id).every((e) => e.runId === a.id)).toBe(true);
      expect(store.events(b.id)).toHaveLength(5);
      expect(store.logs(a.id)).toEqual([]);
      expect(store.task(a.id, 0)?.name).toBe('task0');
      expect(store.task(b.id, 0)?.name).toBe('other');
    });

    it('refuses bad event queries, and events of another run, with a message', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      const bad = async (f: () => unknown, message: string) => {
        const error = await failure(f);
        expect(error.message).toBe(message);
        expect((error as { code?: string }).code).toBe('WEFT_STORE_BAD_INPUT');
      };
      await bad(
        () => store.events(info.id, { afterSeq: -1 }),
        'afterSeq must be an integer of at least 0, not -1',
      );
      await bad(
        () => store.events(info.id, { taskId: -2 }),
        'taskId must be an integer of at least -1, not -2',
      );
      await bad(
        () => store.events(info.id, { types: ['finished' as 'log'] }),
        'types must be event types (submitted, ready, started, retrying, succeeded, failed, upstream_failed, cancelled, cached, log, run_started, run_finished), not "finished"',
      );
      await bad(
        () => store.logs(info.id, { limit: Number.NaN }),
        'limit must be an integer of at least 0, not NaN',
      );
      await bad(
        () => writer.event(new Events('some-other-run').submitted(0)),
        `an event of run some-other-run was written through the writer of run ${info.id}`,
      );
      const badId = await failure(() =>
        writer.event({ ...new Events(info.id).submitted(0), taskId: 2.5 }),
      );
      expect(badId.message).toMatch(/^a task id must be an integer .*, not 2\.5$/);
      expect((badId as { code?: string }).code).toBe('WEFT_STORE_BAD_INPUT');
      await writer.close('succeeded');
      expect(store.events(info.id)).toEqual([]);
    });
  });
}
