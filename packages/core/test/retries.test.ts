import { NonRetryableError, RunFailedError, run, submit, task } from '@weft/core';
import { describe, expect, it } from 'vitest';
import { recorder, rejection } from './helpers.ts';

/** A task that fails its first `failures` attempts, then returns its attempt. */
function flaky(failures: number) {
  const attempts: number[] = [];
  const t = task('flaky', async (ctx) => {
    attempts.push(ctx.attempt);
    if (ctx.attempt <= failures) throw new Error(`attempt ${ctx.attempt} failed`);
    return ctx.attempt;
  });
  return { task: t, attempts };
}

describe('retries', () => {
  it('retries a failed attempt up to `retries` times, counting attempts from 1', async () => {
    const f = flaky(2);
    const value = await run(async () =>
      submit(f.task.with({ retries: 2, backoff: { initial: 0 } })),
    );
    expect(value).toBe(3);
    expect(f.attempts).toEqual([1, 2, 3]);
  });

  it('fails after the last retry, reporting the number of attempts and the last error', async () => {
    const f = flaky(10);
    const error = await rejection(
      run(async () => {
        submit(f.task.with({ retries: 2, backoff: { initial: 0 } }));
      }),
    );
    expect(f.attempts).toEqual([1, 2, 3]);
    expect(error).toBeInstanceOf(RunFailedError);
    const [failure] = (error as RunFailedError).failures;
    expect(failure?.attempts).toBe(3);
    expect(failure?.error.message).toBe('attempt 3 failed');
  });

  it('does not retry by default', async () => {
    const f = flaky(1);
    await rejection(run(async () => void submit(f.task)));
    expect(f.attempts).toEqual([1]);
  });

  it('takes retries from task options, and task.with() overrides them', async () => {
    const base = flaky(5);
    const withRetries = task({ name: 'r', retries: 1, backoff: { initial: 0 } }, base.task.fn);
    await rejection(run(async () => void submit(withRetries)));
    expect(base.attempts).toEqual([1, 2]);
    base.attempts.length = 0;
    await rejection(run(async () => void submit(withRetries.with({ retries: 3 }))));
    expect(base.attempts).toEqual([1, 2, 3, 4]);
  });

  it('does not retry a NonRetryableError', async () => {
    let attempts = 0;
    const hopeless = task('hopeless', async () => {
      attempts++;
      throw new NonRetryableError('bad input, retrying will not help');
    });
    const error = await rejection(
      run(async () => void submit(hopeless.with({ retries: 5, backoff: { initial: 0 } }))),
    );
    expect(attempts).toBe(1);
    expect((error as RunFailedError).failures[0]).toMatchObject({
      attempts: 1,
      error: { name: 'NonRetryableError', code: 'WEFT_NON_RETRYABLE' },
    });
  });

  it('emits retrying, ready and started again for every retry', async () => {
    const f = flaky(2);
    const rec = recorder();
    const id = await run(
      async () => submit(f.task.with({ retries: 2, backoff: { initial: 0 } })).id,
      { onEvent: rec.onEvent },
    );
    expect(rec.typesOf(id)).toEqual([
      'submitted',
      'ready',
      'started',
      'retrying',
      'ready',
      'started',
      'retrying',
      'ready',
      'started',
      'succeeded',
    ]);
    expect(rec.ofType('started').map((e) => e.attempt)).toEqual([1, 2, 3]);
    const retrying = rec.ofType('retrying');
    expect(retrying.map((e) => [e.attempt, e.error.message])).toEqual([
      [1, 'attempt 1 failed'],
      [2, 'attempt 2 failed'],
    ]);
  });
});

describe('backoff', () => {
  async function delays(
    retries: number,
    backoff: { initial?: number; max?: number; factor?: number; jitter?: boolean },
  ): Promise<number[]> {
    const rec = recorder();
    await rejection(
      run(async () => void submit(flaky(100).task.with({ retries, backoff })), {
        onEvent: rec.onEvent,
      }),
    );
    return rec.ofType('retrying').map((e) => e.delayMs);
  }

  it('grows exponentially from `initial` by `factor` without jitter', async () => {
    const initial = 2;
    const factor = 3;
    const got = await delays(3, { initial, factor, jitter: false });
    expect(got).toEqual([0, 1, 2].map((k) => initial * factor ** k));
  });

  it('grows with jitter, each delay between half and all of its nominal value', async () => {
    const initial = 1;
    const factor = 3;
    const got = await delays(4, { initial, factor });
    expect(got).toHaveLength(4);
    got.forEach((d, k) => {
      const nominal = initial * factor ** k;
      expect(d).toBeGreaterThanOrEqual(nominal / 2);
      expect(d).toBeLessThanOrEqual(nominal);
    });
    for (let k = 1; k < got.length; k++) expect(got[k]).toBeGreaterThan(got[k - 1]!);
  });

  it('never waits longer than `max`', async () => {
    const [initial, factor, max] = [1, 4, 8];
    const got = await delays(5, { initial, factor, max, jitter: false });
    expect(got).toEqual([0, 1, 2, 3, 4].map((k) => Math.min(max, initial * factor ** k)));
    expect(got.at(-1)).toBe(max);
  });

  it('is 0 with `initial: 0`', async () => {
    expect(await delays(2, { initial: 0 })).toEqual([0, 0]);
  });
});
