/**
 * Type tests: checked by `tsc -b` (the `@ts-expect-error` lines fail the
 * build when they stop being errors) and run by vitest like any test.
 */

import {
  type Future,
  type Resolved,
  RunFailedError,
  run,
  submit,
  type Task,
  type TaskContext,
  task,
} from '@weft/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { rejection } from './helpers.ts';

interface Row {
  readonly id: number;
  readonly valid: boolean;
}

const load = task(
  'load',
  async (_ctx, n: number): Promise<Row[]> =>
    Array.from({ length: n }, (_, id) => ({ id, valid: id % 2 === 0 })),
);
const clean = task('clean', async (_ctx, rows: Row[]) => rows.filter((r) => r.valid));
const numTask = task('num', async () => 42);
const pair = task('pair', async (_ctx, a: number, b: string) => `${a}${b}`);
const count = task('count', (_ctx, rows: Row[]) => rows.length);

describe('types', () => {
  it('infers a task from its function: arguments after ctx, awaited result', () => {
    expectTypeOf(clean).toEqualTypeOf<Task<[rows: Row[]], Row[]>>();
    expectTypeOf(numTask).toEqualTypeOf<Task<[], number>>();
    expectTypeOf(count).toEqualTypeOf<Task<[rows: Row[]], number>>();
    expectTypeOf<Parameters<typeof clean.fn>[0]>().toEqualTypeOf<TaskContext>();
  });

  it('accepts a future where a task takes its value, and gives futures of the result', async () => {
    const result = await run(async () => {
      const rows = submit(load, 4);
      expectTypeOf(rows).toEqualTypeOf<Future<Row[]>>();
      const cleaned = submit(clean, rows);
      expectTypeOf(cleaned).toEqualTypeOf<Future<Row[]>>();
      const x: number = await submit(numTask);
      const s: string = await submit(pair, submit(numTask), 'b');
      return { x, s, n: await submit(count, cleaned) };
    });
    expect(result).toEqual({ x: 42, s: '42b', n: 2 });
  });

  it('accepts futures inside arrays and objects where a task takes them', async () => {
    const sum = task('sum', async (_ctx, xs: number[], o: { k: number }) =>
      xs.reduce((a, b) => a + b, o.k),
    );
    const total = await run(async () => {
      const f = submit(numTask);
      return submit(sum, [f, 1, f], { k: f });
    });
    expectTypeOf(total).toEqualTypeOf<number>();
    expect(total).toBe(42 * 3 + 1);
  });

  it('rejects arguments of the wrong type; at run time such a task fails', async () => {
    const error = await rejection(
      run(async () => {
        // @ts-expect-error a number is not a Row[]
        submit(clean, 42);
      }),
    );
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as RunFailedError).failures.map((f) => f.name)).toEqual(['clean']);
  });

  it('rejects a future of the wrong type, missing arguments and extra ones', () => {
    // Compile-time only: tsc fails when one of these lines stops being an error.
    const wrongCalls = (n: Future<number>) => {
      // @ts-expect-error a Future<number> is not a Future<Row[]>
      submit(clean, n);
      // @ts-expect-error pair needs two arguments
      submit(pair, 1);
      // @ts-expect-error a string is not a number
      submit(pair, 'a', 'b');
      // @ts-expect-error pair takes two arguments, not three
      submit(pair, 1, 'b', 'c');
      // @ts-expect-error a function is not a task
      submit(async () => 1);
    };
    expectTypeOf(wrongCalls).parameters.toEqualTypeOf<[Future<number>]>();
  });

  it("returns the resolved type of main's value from run()", async () => {
    const result = await run(async () => ({
      rows: submit(load, 2),
      list: [submit(numTask), 'plain'] as const,
      nested: { n: submit(numTask) },
      fn: (x: number) => x,
    }));
    expectTypeOf(result.rows).toEqualTypeOf<Row[]>();
    expectTypeOf(result.list).toEqualTypeOf<[number, 'plain']>();
    expectTypeOf(result.nested).toEqualTypeOf<{ n: number }>();
    expectTypeOf(result.fn).toEqualTypeOf<(x: number) => number>();
    expect(result.rows).toHaveLength(2);
    expect(result.list).toEqual([42, 'plain']);
    expect(result.nested).toEqual({ n: 42 });
    expect(result.fn(3)).toBe(3);
  });

  it('Resolved maps futures to their values, deeply', () => {
    expectTypeOf<Resolved<Future<string>>>().toEqualTypeOf<string>();
    expectTypeOf<Resolved<Future<number>[]>>().toEqualTypeOf<number[]>();
    expectTypeOf<Resolved<{ a: { b: Future<boolean> }; c: 1 }>>().toEqualTypeOf<{
      a: { b: boolean };
      c: 1;
    }>();
    expectTypeOf<Resolved<string>>().toEqualTypeOf<string>();
  });

  it('keeps argument and result types through task.with()', () => {
    expectTypeOf(clean.with({ retries: 1 })).toEqualTypeOf<typeof clean>();
  });
});
