/**
 * Passing part of a result downstream: `future.get(...path)` is an edge to
 * that part; a promise made from a future (`future.then(...)`) is refused
 * with a message that says what to do, without crashing the process when
 * the promise later rejects.
 */
import { RunFailedError, run, submit, task, threadsExecutor } from '@weft/core';
import { describe, expect, it } from 'vitest';
import { partsInWorker, sizes, twice } from './fixtures/parallel-tasks.ts';
import { rejection } from './helpers.ts';

describe('future.get()', () => {
  it('hands a part of a value to the next task, as an edge', async () => {
    const out = await run(async () => {
      const s = submit(sizes, 10);
      return { total: submit(twice, s.get('total')), first: submit(twice, s.get('parts', 0)) };
    });
    expect(out).toEqual({ total: 20, first: 18 });
  });

  it('works inside a task that runs in a worker', async () => {
    await using executor = threadsExecutor({ max: 1 });
    expect(await run(async () => submit(partsInWorker, 5), { executor })).toBe(8);
  });

  it('fails naming the key that is missing', async () => {
    const error = (await rejection(
      run(async () => submit(twice, submit(sizes, 3).get('parts', 7 as 0))),
    )) as RunFailedError;
    expect(error).toBeInstanceOf(RunFailedError);
    expect(error.failures[0]?.error.message).toContain(
      'future.get("parts", 7) in task weft.get#1: the value has no .parts[7]',
    );
  });
});

describe('a promise made from a future, as an argument', () => {
  it('is refused with what to do, and its later rejection does not crash the process', async () => {
    const slow = task('fg.slow', async () => {
      await new Promise((r) => setTimeout(r, 50));
      return 1;
    });
    const error = await rejection(
      run(async () => {
        const f = submit(slow);
        submit(twice, f.then((x) => x + 1) as unknown as number);
      }),
    );
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toContain(
      "args[0] is a Promise (a promise or thenable); pass a future from submit(), await the value before submitting, or take part of a future's value with future.get('key')",
    );
  });
});
