/**
 * Where each attempt ran is recorded (what `weft show` prints in its worker
 * column): the executor names the worker when it places the attempt.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createInlineExecutor,
  type Executor,
  type Invocation,
  processesExecutor,
  type RunEvent,
  type RunOptions,
  run,
  startRun,
  submit,
  task,
  threadsExecutor,
} from '@weft/core';
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

/**
 * An executor that, like the queue, places attempts on a worker after
 * `run()` returned: each waits until `place(worker)` is called.
 */
function latePlacing() {
  const inner = createInlineExecutor();
  const waiting: { inv: Invocation; go: () => void }[] = [];
  const executor: Executor = {
    name: 'late',
    placesAttempts: true,
    capacity: inner.capacity,
    run: (inv, signal) =>
      new Promise<void>((resolve) => waiting.push({ inv, go: resolve })).then(() =>
        inner.run(inv, signal),
      ),
    [Symbol.asyncDispose]: async () => {},
  };
  return {
    executor,
    waiting,
    /** Places the oldest waiting attempt on `worker` and lets it run. */
    place(worker: string) {
      const next = waiting.shift()!;
      next.inv.placed?.(worker);
      next.go();
    },
  };
}

const held = task('column.held', async ({ signal }) => {
  if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
});

describe('an attempt placed after the executor took it', () => {
  it('starts, naming its worker, when it is placed, not when it was handed over', async () => {
    const late = latePlacing();
    const events: RunEvent[] = [];
    const handle = startRun(async () => [submit(echo, 1), submit(echo, 2)], {
      executor: late.executor,
      onEvent: (e) => events.push(e),
    });
    await until(() => late.waiting.length === 2);
    // Handed to the executor, not placed: no attempt has started yet.
    expect(events.filter((e) => e.type === 'started')).toEqual([]);
    late.place('host-a:11');
    late.place('host-b:22');
    await handle.result();
    const starts = events.filter((e) => e.type === 'started');
    expect(starts.map((e) => [e.taskId, e.attempt, e.worker])).toEqual([
      [0, 1, 'host-a:11'],
      [1, 1, 'host-b:22'],
    ]);
  });

  it('has no attempt when it ends before it was placed', async () => {
    const late = latePlacing();
    const events: RunEvent[] = [];
    const handle = startRun(async () => submit(held), {
      executor: late.executor,
      onEvent: (e) => events.push(e),
    });
    await until(() => late.waiting.length === 1);
    handle.cancel('stop waiting');
    late.place('too-late:1');
    await expect(handle.result()).rejects.toThrow();
    expect(events.filter((e) => e.type === 'started')).toEqual([]);
    expect(events.find((e) => e.type === 'cancelled')).toMatchObject({ taskId: 0, attempt: 1 });
  });

  it('runs its timeout from its placement', async () => {
    const late = latePlacing();
    const events: RunEvent[] = [];
    const handle = startRun(async () => submit(held.with({ timeout: '20ms' })), {
      executor: late.executor,
      onEvent: (e) => events.push(e),
    });
    await until(() => late.waiting.length === 1);
    // Far longer than the timeout: it has not started, so it cannot time out.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events.some((e) => e.type === 'failed')).toBe(false);
    late.place('host-a:11');
    await expect(handle.result()).rejects.toThrow(/timed out/);
    const failed = events.find((e) => e.type === 'failed');
    expect(failed).toMatchObject({ error: { code: 'WEFT_TIMEOUT' } });
  });
});

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 1));
}
