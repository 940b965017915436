import {
  CancelledError,
  type Future,
  inline,
  RunCancelledError,
  RunFailedError,
  run,
  startRun,
  submit,
  TimeoutError,
  task,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { aborted, deferred, never, recorder, rejection, sleep } from './helpers.ts';

describe('timeout', () => {
  it('fails an attempt that runs too long with TimeoutError, aborting its signal with it', async () => {
    const reasons: unknown[] = [];
    const slow = task({ name: 'slow', timeout: '20ms' }, async (ctx) => {
      reasons.push(await aborted(ctx.signal));
      await sleep(5);
      return 'too late';
    });
    let future: Future<string> | undefined;
    const error = await rejection(
      run(async () => {
        future = submit(slow);
      }),
    );
    expect(error).toBeInstanceOf(RunFailedError);
    const [failure] = (error as RunFailedError).failures;
    expect(failure?.error).toMatchObject({
      code: 'WEFT_TIMEOUT',
      name: 'TimeoutError',
      message: `task slow#${future!.id} timed out after 20 ms`,
    });
    const timeoutError = future!.exception();
    expect(timeoutError).toBeInstanceOf(TimeoutError);
    expect((timeoutError as TimeoutError).timeoutMs).toBe(20);
    expect(reasons).toEqual([timeoutError]);
  });

  it('ends the run when a task ignores its signal and never settles', async () => {
    const stuck = task('stuck', async () => never());
    const error = await rejection(
      run(async () => void submit(stuck.with({ timeout: '20ms' })), { cancelGrace: '50ms' }),
    );
    expect((error as RunFailedError).failures.map((f) => f.error.code)).toEqual(['WEFT_TIMEOUT']);
  });

  it('ends a keepGoing run too, and the rest of the run goes on', async () => {
    const stuck = task('stuck', async () => never());
    const ok = task('ok', async () => 'ok');
    let okFuture: Future<string> | undefined;
    const error = await rejection(
      run(
        async () => {
          submit(stuck.with({ timeout: 20 }));
          okFuture = submit(ok);
        },
        { keepGoing: true, cancelGrace: '50ms' },
      ),
    );
    expect((error as RunFailedError).failures.map((f) => f.name)).toEqual(['stuck']);
    expect(okFuture?.state).toBe('succeeded');
  });

  it('applies to each attempt: a timed out attempt is retried', async () => {
    const attempts: number[] = [];
    const slowThenFast = task('slowThenFast', async (ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt === 1) await aborted(ctx.signal);
      return ctx.attempt;
    });
    const value = await run(async () =>
      submit(slowThenFast.with({ timeout: '20ms', retries: 1, backoff: { initial: 0 } })),
    );
    expect(value).toBe(2);
    expect(attempts).toEqual([1, 2]);
  });

  it('does not fire for an attempt that finished in time', async () => {
    let signal: AbortSignal | undefined;
    const quick = task({ name: 'quick', timeout: '20ms' }, async (ctx) => {
      signal = ctx.signal;
      return 1;
    });
    expect(await run(async () => submit(quick))).toBe(1);
    await sleep(30);
    expect(signal?.aborted).toBe(false);
  });
});

describe('RunHandle.cancel()', () => {
  it("aborts running tasks' signals, cancels the rest, and rejects with RunCancelledError", async () => {
    const running = deferred();
    const reasons: unknown[] = [];
    const listener = task('listener', async (ctx) => {
      running.resolve();
      reasons.push(await aborted(ctx.signal));
    });
    let pendingRan = false;
    const later = task('later', async (_ctx, ..._after: unknown[]) => {
      pendingRan = true;
    });
    const rec = recorder();
    const handle = startRun(
      async () => {
        const l = submit(listener);
        submit(later, l);
        submit(later);
      },
      { executor: inline({ concurrency: 1 }), onEvent: rec.onEvent, cancelGrace: '50ms' },
    );
    await running.promise;
    handle.cancel('user pressed stop');
    const error = await rejection(handle.result());
    expect(error).toBeInstanceOf(RunCancelledError);
    expect((error as Error).message).toBe(`run ${handle.id} was cancelled: user pressed stop`);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(CancelledError);
    expect((reasons[0] as Error).message).toContain('user pressed stop');
    expect(pendingRan).toBe(false);
    expect(rec.ofType('cancelled').map((e) => e.name)).toEqual(['listener', 'later', 'later']);
    expect(rec.events.at(-1)).toMatchObject({ type: 'run_finished', state: 'cancelled' });
  });

  it('does not wait for a task that ignores its signal longer than cancelGrace', async () => {
    const running = deferred();
    const stubborn = task('stubborn', async () => {
      running.resolve();
      return never();
    });
    const handle = startRun(async () => void submit(stubborn), { cancelGrace: '20ms' });
    await running.promise;
    handle.cancel();
    expect(await rejection(handle.result())).toBeInstanceOf(RunCancelledError);
  });

  it('makes futures awaited by main reject with CancelledError', async () => {
    const running = deferred();
    let awaited: unknown;
    const wait = task('wait', async (ctx) => {
      running.resolve();
      await aborted(ctx.signal);
    });
    const handle = startRun(
      async () => {
        awaited = await rejection(submit(wait));
      },
      { cancelGrace: '50ms' },
    );
    await running.promise;
    handle.cancel();
    await rejection(handle.result());
    expect(awaited).toBeInstanceOf(CancelledError);
  });

  it('cancels tasks submitted after the cancellation at once', async () => {
    let ran = false;
    const t = task('t', async () => {
      ran = true;
    });
    let state: string | undefined;
    const handle = startRun(
      async () => {
        await sleep(5);
        state = submit(t).state;
      },
      { cancelGrace: '50ms' },
    );
    handle.cancel();
    await rejection(handle.result());
    expect(state).toBe('cancelled');
    expect(ran).toBe(false);
  });

  it('does not wait for a pending retry backoff', { timeout: 1000 }, async () => {
    const flaky = task('flaky', async () => {
      throw new Error('flaky');
    });
    const handle = startRun(
      async () => void submit(flaky.with({ retries: 1, backoff: { initial: '30s' } })),
      {
        onEvent: (e) => {
          if (e.type === 'retrying') setTimeout(() => handle.cancel(), 0);
        },
      },
    );
    expect(await rejection(handle.result())).toBeInstanceOf(RunCancelledError);
  });
});

describe('RunOptions.signal', () => {
  it('cancels the run when it aborts', async () => {
    const controller = new AbortController();
    const running = deferred();
    const wait = task('wait', async (ctx) => {
      running.resolve();
      await aborted(ctx.signal);
    });
    const result = run(async () => void submit(wait), {
      signal: controller.signal,
      cancelGrace: '50ms',
    });
    await running.promise;
    controller.abort();
    const error = await rejection(result);
    expect(error).toBeInstanceOf(RunCancelledError);
    expect((error as Error).message).toContain("the run's signal aborted");
  });

  it('runs nothing when it is already aborted', async () => {
    let ran = false;
    const t = task('t', async () => {
      ran = true;
    });
    const error = await rejection(
      run(async () => void submit(t), { signal: AbortSignal.abort(), cancelGrace: '50ms' }),
    );
    expect(error).toBeInstanceOf(RunCancelledError);
    expect((error as Error).message).toContain('already aborted');
    expect(ran).toBe(false);
  });
});
