/**
 * The README's example, as written: load -> clean -> merge(...parts).
 */

import { run, submit, task } from '@weft/core';
import { expect, expectTypeOf, it } from 'vitest';
import { recorder } from './helpers.ts';

interface Row {
  readonly file: string;
  readonly n: number;
}

const files: Record<string, Row[]> = {
  'a.csv': [
    { file: 'a.csv', n: 1 },
    { file: 'a.csv', n: -1 },
  ],
  'b.csv': [{ file: 'b.csv', n: 2 }],
  'c.csv': [
    { file: 'c.csv', n: -3 },
    { file: 'c.csv', n: 3 },
  ],
};
const isValid = (row: Row) => row.n >= 0;

const load = task('load', async (_ctx, path: string) => files[path] ?? []);
const clean = task(
  { name: 'clean', retries: 2, timeout: '30s', requirements: { cpus: 1 } },
  async (_ctx, rows: Row[]) => rows.filter(isValid),
);
const merge = task('merge', async (_ctx, ...parts: Row[][]) => parts.flat());

it('runs the README example as written', async () => {
  const rec = recorder();
  const paths = Object.keys(files);
  const merged = await run(
    async () => {
      const parts = paths.map((path) => submit(clean, submit(load, path)));
      return submit(merge, ...parts);
    },
    { onEvent: rec.onEvent },
  );
  expectTypeOf(merged).toEqualTypeOf<Row[]>();
  expect(merged).toEqual(Object.values(files).flat().filter(isValid));
  expect(clean.options).toMatchObject({ retries: 2, timeoutMs: 30_000 });
  const submitted = rec.ofType('submitted');
  expect(submitted.map((e) => e.name)).toEqual([
    ...paths.flatMap(() => ['load', 'clean']),
    'merge',
  ]);
  const mergeDeps = submitted.at(-1)!.deps;
  expect(mergeDeps).toEqual(submitted.filter((e) => e.name === 'clean').map((e) => e.taskId));
  expect(rec.ofType('succeeded')).toHaveLength(submitted.length);
});
