import {
  CancelledError,
  gather,
  inline,
  isWeftError,
  RunFailedError,
  run,
  startRun,
  submit,
  task,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { deferred, recorder, rejection, sleep, thrown } from './helpers.ts';

const value = task('value', async (_ctx, v: number) => {
  await sleep();
  return v;
});

describe('run()', () => {
  it("returns main's value with the futures inside arrays and objects resolved", async () => {
    const result = await run(async () => ({
      one: submit(value, 1),
      list: [submit(value, 2), 'plain', [submit(value, 3)]],
      nested: { deep: { four: submit(value, 4) } },
      nothing: null,
    }));
    expect(result).toEqual({
      one: 1,
      list: [2, 'plain', [3]],
      nested: { deep: { four: 4 } },
      nothing: null,
    });
  });

  it('returns a plain value, and a single future resolved', async () => {
    expect(await run(() => 'sync value')).toBe('sync value');
    expect(await run(async () => submit(value, 5))).toBe(5);
  });

  it('waits for every task, also the ones main did not await', async () => {
    const finished: number[] = [];
    const slow = task('slow', async (_ctx, n: number) => {
      await sleep(5);
      finished.push(n);
    });
    const result = await run(async () => {
      for (let i = 0; i < 5; i++) submit(slow, i);
      return 'returned early';
    });
    expect(result).toBe('returned early');
    expect(finished.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('runs children submitted by a task in the same run, and waits for them', async () => {
    const finished: string[] = [];
    const child = task('child', async (ctx, n: number) => {
      await sleep(5);
      finished.push(`child${n}@${ctx.runId}`);
      return n * 10;
    });
    const parent = task('parent', async (ctx) => {
      submit(child, 1); // not awaited: the run still waits for it
      const awaited = await submit(child, 2);
      finished.push(`parent@${ctx.runId}`);
      return awaited;
    });
    const rec = recorder();
    const result = await run(async () => submit(parent), { runId: 'family', onEvent: rec.onEvent });
    expect(result).toBe(20);
    expect(finished.sort()).toEqual(['child1@family', 'child2@family', 'parent@family']);
    const [parentSubmitted, ...children] = rec.ofType('submitted');
    expect(parentSubmitted).toMatchObject({ name: 'parent', parentId: -1 });
    expect(children.map((e) => [e.name, e.parentId])).toEqual([
      ['child', parentSubmitted!.taskId],
      ['child', parentSubmitted!.taskId],
    ]);
  });

  it('rejects with RunFailedError listing each failed task with its error', async () => {
    const fail = task('fail', async (_ctx, why: string) => {
      throw new Error(why);
    });
    const error = await run(
      async () => {
        submit(fail.with({ label: 'first' }), 'disk full');
        submit(fail, 'no network');
        submit(value, 1);
      },
      { keepGoing: true, runId: 'r1' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    const failed = error as RunFailedError;
    expect(failed.code).toBe('WEFT_RUN_FAILED');
    expect(failed.runId).toBe('r1');
    expect(failed.message).toMatch(/^run r1 failed: 2 tasks failed/);
    expect(failed.message).toContain('  - fail#0 "first": disk full');
    expect(failed.message).toContain('  - fail#1: no network');
    expect(
      failed.failures.map((f) => [f.id, f.name, f.label, f.attempts, f.error.message]),
    ).toEqual([
      [0, 'fail', 'first', 1, 'disk full'],
      [1, 'fail', undefined, 1, 'no network'],
    ]);
  });

  it('rejects with RunFailedError when main throws, naming its error', async () => {
    const error = await run(
      async () => {
        throw new Error('main broke');
      },
      { runId: 'r2' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toMatch(/^run r2 failed: .*main broke/);
    expect((error as RunFailedError).failures).toEqual([]);
    expect((error as Error).cause).toMatchObject({ message: 'main broke' });
  });

  it('rejects when a future main returns did not succeed', async () => {
    const error = await rejection(
      run(async () => {
        const f = submit(value, 1);
        f.cancel();
        return { f };
      }),
    );
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).cause).toBeInstanceOf(CancelledError);
  });

  it('refuses submits from a task that outlived its run', async () => {
    const gate = deferred();
    const late = deferred<unknown>();
    const stubborn = task('stubborn', async () => {
      await gate.promise;
      late.resolve(thrown(() => submit(value, 1)));
    });
    await rejection(
      run(async () => void submit(stubborn.with({ timeout: '20ms' })), { cancelGrace: '20ms' }),
    );
    gate.resolve();
    const error = await late.promise;
    expect(isWeftError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'WEFT_RUN_FINISHED' });
    expect((error as Error).message).toMatch(/submit\(value\): run .* has finished/);
  });
});

describe('startRun()', () => {
  it('returns a handle at once with id, result(), taskId() and events', async () => {
    const handle = startRun(
      async () => {
        const a = submit(value.with({ label: 'a' }), 1);
        const b = submit(value.with({ label: 'b' }), a);
        return [a.id, b.id];
      },
      { runId: 'handle-run' },
    );
    expect(handle.id).toBe('handle-run');
    expect(handle.taskId('a')).toBeUndefined(); // main has not started yet
    const [a, b] = await handle.result();
    expect(handle.taskId('a')).toBe(a);
    expect(handle.taskId('b')).toBe(b);
    expect(handle.taskId('nope')).toBeUndefined();
  });

  it('makes up a distinct run id when none is given', () => {
    const one = startRun(() => 1);
    const two = startRun(() => 2);
    expect(one.id).toEqual(expect.any(String));
    expect(one.id).not.toBe(two.id);
  });

  it('streams events from run_started to run_finished, then ends', async () => {
    const handle = startRun(async () => submit(value, 1));
    const types: string[] = [];
    for await (const event of handle.events) types.push(event.type);
    expect(types[0]).toBe('run_started');
    expect(types.at(-1)).toBe('run_finished');
    expect(types).toContain('succeeded');
    await expect(handle.result()).resolves.toBe(1);
  });
});

describe('a task awaiting other tasks', () => {
  it('lets them run when they need its slot, so the run ends', { timeout: 2000 }, async () => {
    const child = task('child', async (_ctx, n: number) => {
      await sleep();
      return n * 2;
    });
    const parent = task('parent', async () => {
      const first = await submit(child, 1);
      const rest = await gather(submit(child, 2), submit(child, 3));
      return [first, ...rest];
    });
    const result = await run(async () => submit(parent), {
      executor: inline({ concurrency: 1 }),
    });
    expect(result).toEqual([2, 4, 6]);
  });

  it('lets them run when they need its resources', { timeout: 2000 }, async () => {
    const needs = { requirements: { cpus: 1 } };
    const child = task({ name: 'child', ...needs }, async () => 'child done');
    const parent = task(
      { name: 'parent', ...needs },
      async () => `parent saw ${await submit(child)}`,
    );
    const result = await run(async () => submit(parent), {
      executor: inline({ resources: { cpus: 1 } }),
    });
    expect(result).toBe('parent saw child done');
  });
});
