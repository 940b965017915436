/**
 * A hung task must not take an innocent one with it: a task never goes to a
 * worker that is being stopped, and a task that dies only because the pool
 * stopped its worker for another task's fault runs again, without spending
 * its own retries.
 */
import {
  type ParallelOptions,
  processesExecutor,
  type RunEvent,
  run,
  submit,
  threadsExecutor,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { hangOnce, nap } from './fixtures/parallel-tasks.ts';

const fixtures = new URL('./fixtures/parallel-tasks.ts', import.meta.url);
const quick = { initial: '1ms', jitter: false } as const;

type Kind = 'threads' | 'processes';
const make = (kind: Kind, options: ParallelOptions) =>
  kind === 'threads' ? threadsExecutor(options) : processesExecutor(options);

describe.each(['threads', 'processes'] as const)('%s: a hung task and an innocent one', (kind) => {
  it('places no task on the worker being stopped (one worker, one task at a time)', async () => {
    await using executor = make(kind, { max: 1, killGrace: '300ms', preload: [fixtures] });
    await executor.ready();
    const events: RunEvent[] = [];
    const out = await run(
      async () => {
        const hung = submit(hangOnce.with({ timeout: '300ms', retries: 2, backoff: quick }));
        const innocent = submit(nap, 20);
        return { hung, innocent };
      },
      { executor, onEvent: (e) => events.push(e) },
    );
    expect(out).toEqual({ hung: 'ok', innocent: 1 });
    const innocentFailures = events.filter(
      (e) => (e.type === 'failed' || e.type === 'retrying') && e.name === 'fx.nap',
    );
    expect(innocentFailures).toEqual([]);
  });

  it('runs again, without spending its retries, a task whose worker was stopped for another', async () => {
    await using executor = make(kind, {
      max: 1,
      concurrency: 2,
      killGrace: '300ms',
      preload: [fixtures],
    });
    await executor.ready();
    const events: RunEvent[] = [];
    const out = await run(
      async () => {
        // Shares the worker with the hung task, and still runs when that worker is stopped
        // (timeout + killGrace); the retry's timeout leaves room for a fresh worker to start.
        const innocent = submit(nap, 3000);
        const hung = submit(hangOnce.with({ timeout: '1s', retries: 1, backoff: quick }));
        return { hung, innocent };
      },
      { executor, onEvent: (e) => events.push(e) },
    );
    expect(out).toEqual({ hung: 'ok', innocent: 1 });
    expect(
      events.filter((e) => e.type === 'failed' || e.type === 'retrying').map((e) => e.name),
    ).toEqual(['fx.hangOnce']);
    const redone = events.find(
      (e) =>
        e.type === 'log' &&
        /its worker \(\w+ #\d+\) was stopped for another task's fault/.test(e.message),
    );
    expect(redone).toBeDefined();
  });
});
