/**
 * Where each attempt ran is recorded (what `weft show` prints in its worker
 * column): the executor names the worker when it places the attempt.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesExecutor, type RunOptions, run, submit, threadsExecutor } from '@weft/core';
import { openSqliteRunStore } from '@weft/core/store';
import { describe, expect, it } from 'vitest';
import { echo } from './fixtures/parallel-tasks.ts';

async function workerOf(executor: RunOptions) {
  const store = join(mkdtempSync(join(tmpdir(), 'weft-worker-')), 'weft.db');
  let id = '';
  await run(async () => submit(echo, 1), {
    ...executor,
    store,
    onEvent: (e) => {
      id = e.runId;
    },
  });
  await using s = openSqliteRunStore(store);
  return { task: s.task(id, 0), attempts: s.attempts(id, 0) };
}

describe('the worker an attempt ran on', () => {
  it('is "inline" under the in-process executor', async () => {
    const { task, attempts } = await workerOf({});
    expect(task?.worker).toBe('inline');
    expect(attempts[0]?.worker).toBe('inline');
  });

  it('names the thread under threads', async () => {
    await using executor = threadsExecutor({ max: 1 });
    const { task } = await workerOf({ executor });
    expect(task?.worker).toBe('thread #1');
  });

  it('names the process and its pid under processes', async () => {
    await using executor = processesExecutor({ max: 1 });
    const { task } = await workerOf({ executor });
    expect(task?.worker).toMatch(/^process #1 \(pid \d+\)$/);
  });
});
