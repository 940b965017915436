/**
 * Where a run's live stream starts: the sequence number of its last event,
 * for a run still being written (found by halving) and for one that ended
 * (its run_finished event), in both stores.
 */
import { join } from 'node:path';
import type { RunEvent } from '@weft/core';
import type { RunStore } from '@weft/core/store';
import { createMemoryRunStore, openSqliteRunStore } from '@weft/core/store';
import { afterAll, describe, expect, it } from 'vitest';
import { lastSeq } from '../src/cursor.js';
import { cleanup, project } from './harness/project.ts';

afterAll(cleanup);

async function check(store: RunStore): Promise<void> {
  const runId = 'cursor-1';
  const writer = store.openRun({
    id: runId,
    workflow: undefined,
    mode: undefined,
    executor: 'inline',
    params: undefined,
    rerunOf: undefined,
    cwd: '/',
    host: 'test',
    pid: process.pid,
    startedAt: Date.now(),
  });
  expect(lastSeq(store, runId)).toBe(store.events(runId).at(-1)?.seq ?? 0);
  const time = Date.now();
  for (let i = 0; i < 3000; i++) {
    const base = { runId, taskId: i, name: 'noop', label: undefined, attempt: 0, time };
    const events: RunEvent[] = [
      {
        ...base,
        type: 'submitted',
        parentId: -1,
        deps: [],
        ordinal: i,
        argsHash: '-',
        requirements: undefined,
      },
      { ...base, type: 'started', attempt: 1 },
      { ...base, type: 'succeeded', attempt: 1 },
    ];
    for (const e of events) writer.event(e);
    if (i === 1234) {
      await writer.flush();
      const all = store.events(runId, { limit: 100_000 });
      expect(lastSeq(store, runId)).toBe(all.at(-1)!.seq);
    }
  }
  writer.event({ type: 'run_finished', runId, state: 'succeeded', time });
  await writer.close('succeeded');
  const all = store.events(runId, { limit: 100_000 });
  expect(all.at(-1)!.type).toBe('run_finished');
  expect(lastSeq(store, runId)).toBe(all.at(-1)!.seq);
  expect(lastSeq(store, 'no-such-run')).toBe(0);
}

describe('the cursor of a run', () => {
  it('is its last event, in the memory store', async () => {
    await check(createMemoryRunStore());
  });

  it('is its last event, in the SQLite store', async () => {
    const store = openSqliteRunStore(join(project().dir, 'cursor.db'));
    try {
      await check(store);
    } finally {
      await store[Symbol.asyncDispose]();
    }
  });
});
