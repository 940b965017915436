import {
  CancelledError,
  Future,
  FutureNotDoneError,
  gather,
  run,
  startRun,
  submit,
  task,
  UpstreamFailedError,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { deferred, recorder, rejection, sleep } from './helpers.ts';

const double = task('double', async (_ctx, x: number) => x * 2);
const step = task('step', async (_ctx, x: unknown) => x);
const boom = task('boom', async (): Promise<number> => {
  throw new Error('boom');
});

describe('Future', () => {
  it('is returned at once, before its task has run, and is awaitable', async () => {
    let ran = false;
    const mark = task('mark', async () => {
      ran = true;
      return 'marked';
    });
    const value = await run(async () => {
      const f = submit(mark);
      expect(f).toBeInstanceOf(Future);
      expect(ran).toBe(false);
      expect(f.done()).toBe(false);
      return await f;
    });
    expect(value).toBe('marked');
    expect(ran).toBe(true);
  });

  it('has an integer id, stable within the run, equal to ctx.taskId and the events', async () => {
    const seen: number[] = [];
    const who = task('who', async (ctx) => {
      seen.push(ctx.taskId);
      return ctx.taskId;
    });
    const rec = recorder();
    const ids = await run(
      async () => {
        const fs = [submit(who), submit(who), submit(who)];
        const first = fs.map((f) => f.id);
        for (const id of first) expect(Number.isInteger(id)).toBe(true);
        expect(new Set(first).size).toBe(3);
        const values = await gather(fs);
        expect(fs.map((f) => f.id)).toEqual(first);
        expect(values).toEqual(first);
        return first;
      },
      { onEvent: rec.onEvent },
    );
    expect([...seen].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(rec.typesOf(id)[0]).toBe('submitted');
  });

  it('reports its state through the life of its task', async () => {
    const gate = deferred();
    const wait = task('wait', async () => {
      await gate.promise;
      return 1;
    });
    await run(async () => {
      const f = submit(wait);
      const g = submit(double, f);
      expect(f.state === 'pending' || f.state === 'ready').toBe(true);
      expect(g.state).toBe('pending');
      await sleep();
      expect(f.state).toBe('running');
      gate.resolve();
      expect(await g).toBe(2);
      expect(f.state).toBe('succeeded');
      expect(g.state).toBe('succeeded');
      expect(f.done()).toBe(true);
    });
  });

  it('result() and exception() throw FutureNotDoneError before the task is done', async () => {
    const gate = deferred();
    const wait = task('wait', async () => gate.promise);
    await run(async () => {
      const f = submit(wait);
      expect(() => f.result()).toThrow(FutureNotDoneError);
      expect(() => f.exception()).toThrow(FutureNotDoneError);
      expect(() => f.result()).toThrow(/future of task wait#\d+ is (pending|ready), not done/);
      gate.resolve();
      await f;
    });
  });

  it('result() returns the value and exception() undefined once succeeded', async () => {
    await run(async () => {
      const f = submit(double, 21);
      await f;
      expect(f.result()).toBe(42);
      expect(f.exception()).toBeUndefined();
    });
  });

  it('result() throws and exception() returns the error of a failed task', async () => {
    let f: Future<number> | undefined;
    await rejection(
      run(
        async () => {
          f = submit(boom);
        },
        { keepGoing: true },
      ),
    );
    expect(f!.state).toBe('failed');
    expect(() => f!.result()).toThrow('boom');
    const error = f!.exception();
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toBe('boom');
    expect(await rejection(f!)).toBe(error);
  });

  it('carries the label given with task.with()', async () => {
    await run(async () => {
      const labelled = submit(double.with({ label: 'twice' }), 1);
      const plain = submit(double, 1);
      expect(labelled.label).toBe('twice');
      expect(plain.label).toBeUndefined();
    });
  });

  it('can be awaited many times and by several tasks', async () => {
    const sum = task('sum', async (_ctx, a: number, b: number) => a + b);
    const value = await run(async () => {
      const f = submit(double, 5);
      const [x, y] = await Promise.all([f, f]);
      expect(x).toBe(10);
      expect(y).toBe(10);
      return submit(sum, f, submit(double, f));
    });
    expect(value).toBe(30);
  });

  it('gather() takes futures as arguments or as one array', async () => {
    const [a, b] = await run(async () => {
      const spread = await gather(submit(double, 1), submit(double, 2));
      const list = await gather([submit(double, 3), submit(double, 4)]);
      return [spread, list];
    });
    expect(a).toEqual([2, 4]);
    expect(b).toEqual([6, 8]);
  });
});

describe('Future.cancel()', () => {
  it('cancels a task that has not started; it never runs and rejects with CancelledError', async () => {
    let ran = false;
    const t = task('t', async () => {
      ran = true;
    });
    await run(async () => {
      const f = submit(t);
      expect(f.cancel()).toBe(true);
      expect(f.state).toBe('cancelled');
      expect(f.cancelled()).toBe(true);
      expect(f.done()).toBe(true);
      const error = await rejection(f);
      expect(error).toBeInstanceOf(CancelledError);
      expect(f.exception()).toBe(error);
    });
    expect(ran).toBe(false);
  });

  it('makes the dependents of the cancelled task upstream_failed', async () => {
    const gate = deferred();
    const wait = task('wait', async () => gate.promise);
    const rec = recorder();
    await run(
      async () => {
        const a = submit(wait);
        const b = submit(step.with({ label: 'b' }), a);
        const c = submit(step, b);
        expect(b.cancel()).toBe(true);
        expect(c.state).toBe('upstream_failed');
        const error = c.exception();
        expect(error).toBeInstanceOf(UpstreamFailedError);
        expect(error?.message).toContain(`its input step#${b.id} "b" was cancelled`);
        gate.resolve();
        await a;
        expect(rec.of(c.id).at(-1)).toMatchObject({ type: 'upstream_failed', upstreamId: b.id });
      },
      { onEvent: rec.onEvent },
    );
  });

  it('returns false and changes nothing for a task that is running or done', async () => {
    const gate = deferred();
    const wait = task('wait', async () => {
      await gate.promise;
      return 7;
    });
    await run(async () => {
      const f = submit(wait);
      await sleep();
      expect(f.state).toBe('running');
      expect(f.cancel()).toBe(false);
      gate.resolve();
      expect(await f).toBe(7);
      expect(f.cancel()).toBe(false);
      expect(f.state).toBe('succeeded');
    });
  });

  it('does not make the run fail', async () => {
    const handle = startRun(async () => {
      submit(double, 1).cancel();
      return 'ok';
    });
    await expect(handle.result()).resolves.toBe('ok');
  });

  it('on a task waiting for its retry ends the run instead of hanging', {
    timeout: 1000,
  }, async () => {
    const flaky = task('flaky', async (): Promise<number> => {
      throw new Error('flaky');
    });
    let target: Future<number> | undefined;
    let dependent: Future<number> | undefined;
    await run(
      async () => {
        target = submit(flaky.with({ retries: 1, backoff: { initial: '1s' } }));
        dependent = submit(double, target);
      },
      {
        onEvent: (e) => {
          if (e.type === 'retrying') setTimeout(() => target?.cancel(), 0);
        },
      },
    );
    expect(target?.state).toBe('cancelled');
    expect(dependent?.state).toBe('upstream_failed');
  });
});
