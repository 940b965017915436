/**
 * The memory store keeps events, tasks and results packed (typed arrays in
 * chunks, interned strings, bytes in a shared pool): what it gives back
 * must still be what was written, past chunk boundaries, for fields the
 * columns cannot hold, for task ids out of order or far apart, and
 * whatever the writer does with its objects afterwards.
 */
import { describe, expect, it } from 'vitest';
import type { RunEvent, TaskEvent, TaskSubmitted } from '../src/events/events.js';
import { createMemoryRunStore } from '../src/store/memory-run-store.js';
import type { StoredEvent } from '../src/store/run-store.js';
import { Events, runInfo } from '../src/testing/run-store-contract/helpers.js';

const withoutSeq = (events: readonly StoredEvent[]): RunEvent[] =>
  events.map(({ seq: _seq, ...rest }) => rest as RunEvent);
const taskOf = (e: RunEvent) => ('taskId' in e && e.type !== 'log' ? e.taskId : undefined);
const bytes = (...values: number[]) => ({ kind: 'inline' as const, bytes: new Uint8Array(values) });

describe('memory run store, packed', () => {
  it('gives back every event and record as written, across chunks of events and tasks', async () => {
    await using store = createMemoryRunStore();
    const info = runInfo();
    const writer = store.openRun(info);
    const ev = new Events(info.id);
    const n = 70_000; // more tasks than a chunk holds, and four times as many events
    const written: RunEvent[] = [];
    for (let id = 0; id < n; id++) {
      const deps = id === 0 ? [] : id === 1 ? [0] : [id - 1, id - 2];
      const label = id % 1000 === 999 ? `l${id}` : undefined;
      const events = ev.lifecycle(id, { name: `t${id % 7}`, label, deps, ordinal: id });
      for (const e of events) writer.event(e);
      written.push(...events);
      writer.result(id, bytes(id & 255, id >> 8), undefined);
    }
    await writer.flush();
    for (const id of [0, 1, 999, 16_383, 16_384, 65_535, 65_536, n - 1]) {
      const mine = written.filter((e) => taskOf(e) === id);
      expect(withoutSeq(store.events(info.id, { taskId: id }))).toStrictEqual(mine);
      const record = store.task(info.id, id)!;
      expect(record).toMatchObject({
        id,
        name: `t${id % 7}`,
        label: id % 1000 === 999 ? `l${id}` : undefined,
        ordinal: id,
        state: 'succeeded',
        attempts: 1,
        submittedAt: mine[0]!.time,
        startedAt: mine[2]!.time,
        endedAt: mine[3]!.time,
        hasResult: true,
      });
      expect(record.deps).toEqual((mine[0] as TaskSubmitted).deps);
      expect(store.result(info.id, id)).toEqual(bytes(id & 255, id >> 8));
    }
    const at = 4 * 65_536 - 3;
    const page = store.events(info.id, { afterSeq: at, limit: 7 });
    expect(page.map((e) => e.seq)).toEqual([
      at + 1,
      at + 2,
      at + 3,
      at + 4,
      at + 5,
      at + 6,
      at + 7,
    ]);
    expect(withoutSeq(page)).toStrictEqual(written.slice(at, at + 7));
    const tasks = store.tasks(info.id, { offset: 65_530, limit: 10 });
    expect(tasks.map((t) => t.id)).toEqual([...Array(10).keys()].map((k) => 65_530 + k));
    expect(store.tasks(info.id, { name: 'l69999' }).map((t) => t.id)).toEqual([69_999]);
    expect(store.run(info.id)?.counts.succeeded).toBe(n);
    await writer.close('succeeded');
  });

  it('gives back fields the columns cannot hold, as written', async () => {
    await using store = createMemoryRunStore();
    const info = runInfo();
    const writer = store.openRun(info);
    const ev = new Events(info.id);
    const requirements = { cpus: 1.5, gpus: 1 };
    const written: TaskEvent[] = [
      ev.submitted(0, { name: 'a', label: 'ünïcode ✓', deps: [], requirements, argsHash: 'h' }),
      ev.started(0, 300, 'pid 1'),
      ev.succeeded(0, 300),
      ev.submitted(1, { name: 'b', parentId: 0.5, deps: [0, 2 ** 40], ordinal: 1.25 }),
      { ...ev.ready(1), time: 1.5e12 + 0.25 },
      ev.started(1, 1),
      ev.failed(1, 1, { name: 'Error', message: 'bad', data: { at: [1, 'x'] } }),
    ];
    for (const e of written) writer.event(e);
    await writer.flush();
    expect(withoutSeq(store.events(info.id))).toStrictEqual(written);
    const a = store.task(info.id, 0)!;
    expect(a).toMatchObject({ attempts: 300, worker: 'pid 1', requirements, argsHash: 'h' });
    expect(a.label).toBe('ünïcode ✓');
    const b = store.task(info.id, 1)!;
    expect(b).toMatchObject({ parentId: 0.5, ordinal: 1.25, deps: [0, 2 ** 40], state: 'failed' });
    expect(b.error?.message).toBe('bad');
    expect(store.attempts(info.id, 0)).toEqual([
      expect.objectContaining({ attempt: 300, outcome: 'succeeded', worker: 'pid 1' }),
    ]);
    await writer.close('failed');
  });

  it('keeps its own copy of what the writer hands it, whatever the writer does next', async () => {
    await using store = createMemoryRunStore();
    const info = runInfo();
    const writer = store.openRun(info);
    const ev = new Events(info.id);
    const submitted = ev.submitted(0, { name: 'a', deps: [] });
    const expected = structuredClone(submitted);
    writer.event(submitted);
    (submitted.deps as number[]).push(9);
    Object.assign(submitted, { name: 'changed', time: 0 });
    const result = bytes(1, 2, 3);
    writer.event(ev.ready(0));
    writer.result(0, result, 'k');
    result.bytes[0] = 99;
    expect(withoutSeq(store.events(info.id, { taskId: 0 }))[0]).toStrictEqual(expected);
    const read = store.result(info.id, 0)!;
    expect(read).toEqual(bytes(1, 2, 3));
    (read as { bytes: Uint8Array }).bytes[1] = 99;
    expect(store.result(info.id, 0)).toEqual(bytes(1, 2, 3));
    await writer.close('succeeded');
  });

  it('records tasks whose ids come out of order or far apart, in id order', async () => {
    await using store = createMemoryRunStore();
    const info = runInfo();
    const writer = store.openRun(info);
    const ev = new Events(info.id);
    const ids = [5, 3, 2 ** 31 + 7, 2 ** 40, 300_000, 0, 70_000];
    for (const id of ids) writer.event(ev.submitted(id, { name: `n${id}` }));
    for (const id of ids) writer.event(ev.ready(id));
    writer.event(ev.started(300_000));
    writer.event(ev.succeeded(300_000));
    await writer.flush();
    const sorted = [...ids].sort((x, y) => x - y);
    expect(store.tasks(info.id).map((t) => t.id)).toEqual(sorted);
    for (const id of ids) {
      expect(store.task(info.id, id)).toMatchObject({ id, name: `n${id}` });
      expect(store.events(info.id, { taskId: id }).map((e) => e.type)).toEqual(
        id === 300_000 ? ['submitted', 'ready', 'started', 'succeeded'] : ['submitted', 'ready'],
      );
    }
    expect(store.task(info.id, 4)).toBeUndefined();
    expect(store.task(info.id, 2 ** 31 + 6)).toBeUndefined();
    expect(
      store.tasks(info.id, { states: ['ready'], offset: 2, limit: 2 }).map((t) => t.id),
    ).toEqual(sorted.filter((id) => id !== 300_000).slice(2, 4));
    writer.release();

    // A resume cancels the unfinished ones, in id order, and counts from the highest id + 1.
    const again = store.openRun({ ...info, resumes: 1, startedAt: info.startedAt + 1 });
    const run = store.run(info.id)!;
    expect(run.sessionFirstTask).toBe(2 ** 40 + 1);
    const cancelled = store.events(info.id, { types: ['cancelled'] });
    expect(cancelled.map((e) => (e as TaskEvent).taskId)).toEqual(
      sorted.filter((id) => id !== 300_000),
    );
    expect(cancelled.map((e) => (e as TaskEvent).name)).toEqual(
      sorted.filter((id) => id !== 300_000).map((id) => `n${id}`),
    );
    const next = ev.submitted(2 ** 40 + 1, { name: 'late' });
    again.event(next);
    expect(store.tasks(info.id, { session: 'latest' }).map((t) => t.id)).toEqual([2 ** 40 + 1]);
    await again.close('succeeded');
  });

  it('stores many results, small and large, and artifacts, each read back as a copy', async () => {
    await using store = createMemoryRunStore();
    const info = runInfo();
    const writer = store.openRun(info);
    const ev = new Events(info.id);
    const big = new Uint8Array(200_000).map((_, i) => i % 251);
    const sizeOf = (id: number) => (id === 7 ? big.length : (id * 37) % 3000);
    const payload = (id: number) =>
      id === 7 ? big : new Uint8Array(sizeOf(id)).map((_, i) => (i + id) & 255);
    for (let id = 0; id < 2000; id++) {
      for (const e of ev.lifecycle(id)) writer.event(e);
      if (id % 5 === 4)
        writer.result(id, { kind: 'artifact', hash: `h${id % 3}`, size: id }, undefined);
      else writer.result(id, { kind: 'inline', bytes: payload(id) }, undefined);
    }
    writer.result(3, bytes(42), undefined); // replaced
    writer.result(8, undefined, undefined); // none after all
    await writer.close('succeeded', { kind: 'artifact', hash: 'run', size: 1 });
    for (let id = 0; id < 2000; id++) {
      const expected =
        id === 3
          ? bytes(42)
          : id === 8
            ? undefined
            : id % 5 === 4
              ? { kind: 'artifact', hash: `h${id % 3}`, size: id }
              : { kind: 'inline', bytes: payload(id) };
      expect(store.result(info.id, id)).toEqual(expected);
    }
    expect(store.task(info.id, 8)?.hasResult).toBe(false);
    expect(store.artifactHashes()).toEqual(['h0', 'h1', 'h2', 'run']);
  });

  it('finds a cached result by the key the task has now, and forgets keys when asked', async () => {
    await using store = createMemoryRunStore();
    const info = runInfo();
    const writer = store.openRun(info);
    const ev = new Events(info.id);
    for (const id of [0, 1, 2]) for (const e of ev.lifecycle(id)) writer.event(e);
    writer.result(0, bytes(0), 'a');
    writer.result(1, bytes(1), 'a');
    writer.result(2, bytes(2), 'b');
    writer.result(1, bytes(1), 'c'); // task 1's key changes
    await writer.flush();
    expect(store.findCached('a')).toEqual({ runId: info.id, taskId: 0, result: bytes(0) });
    expect(store.findCached('c')).toEqual({ runId: info.id, taskId: 1, result: bytes(1) });
    expect([...store.findCachedMany(['a', 'b', 'c', 'd']).keys()]).toEqual(['a', 'b', 'c']);
    expect(store.clearCache()).toBe(3);
    expect(store.findCached('a')).toBeUndefined();
    expect(store.task(info.id, 2)?.cacheKey).toBeUndefined();
    await writer.close('succeeded');
  });
});
