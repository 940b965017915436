/**
 * The `inputs` option: the files an ordinary task reads join its cache key,
 * so an edited file is a cache miss; a missing one makes the submission
 * uncacheable rather than failing it.
 */
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidOptionError, type RunEvent, run, submit, task } from '@weft/core';
import { afterEach, describe, expect, it } from 'vitest';
import { thrown } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'weft-inputs-'));
  dirs.push(d);
  return d;
}

let runs = 0;
const count = task(
  { name: 'ci.count', cache: true, inputs: (path: string) => [path] },
  async (_ctx, path: string) => {
    runs++;
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : -1;
  },
);
const throwing = task(
  {
    name: 'ci.throwing',
    cache: true,
    inputs: () => {
      throw new Error('no idea');
    },
  },
  async () => {
    runs++;
    return 1;
  },
);

/** Runs `main` with a SQLite store in `dir`: its value, whether the task ran, whether it was cached. */
async function once<T>(main: () => Promise<T>, dir: string) {
  const events: RunEvent[] = [];
  const before = runs;
  const value = await run(main, {
    store: join(dir, 'weft.db'),
    onEvent: (e) => events.push(e),
  });
  return { value, ran: runs > before, cached: events.some((e) => e.type === 'cached') };
}

describe('the inputs option', () => {
  it("makes a task's cache key follow the content of the files it reads", async () => {
    const dir = tempDir();
    const file = join(dir, 'rows.txt');
    writeFileSync(file, 'a\nb\n');
    const main = async () => submit(count, file);
    expect(await once(main, dir)).toEqual({ value: 2, ran: true, cached: false });
    expect(await once(main, dir)).toEqual({ value: 2, ran: false, cached: true });
    appendFileSync(file, 'c\n');
    expect(await once(main, dir)).toEqual({ value: 3, ran: true, cached: false });
    expect(await once(main, dir)).toEqual({ value: 3, ran: false, cached: true });
  });

  it('resolves relative paths against the working directory', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.txt'), 'a\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const main = async () => submit(count, 'rows.txt');
      expect(await once(main, dir)).toMatchObject({ value: 1, ran: true });
      expect(await once(main, dir)).toMatchObject({ value: 1, cached: true });
      writeFileSync(join(dir, 'rows.txt'), 'a\nb\n');
      expect(await once(main, dir)).toMatchObject({ value: 2, ran: true });
    } finally {
      process.chdir(cwd);
    }
  });

  it('runs a task whose input file is missing, uncached, instead of failing it', async () => {
    const dir = tempDir();
    const file = join(dir, 'later.txt');
    const main = async () => submit(count, file);
    expect(await once(main, dir)).toEqual({ value: -1, ran: true, cached: false });
    expect(await once(main, dir)).toEqual({ value: -1, ran: true, cached: false });
    writeFileSync(file, 'a\n');
    expect(await once(main, dir)).toEqual({ value: 1, ran: true, cached: false });
    expect(await once(main, dir)).toEqual({ value: 1, ran: false, cached: true });
  });

  it('runs a task whose inputs function throws, uncached', async () => {
    const dir = tempDir();
    expect(await once(async () => submit(throwing), dir)).toMatchObject({ ran: true });
    expect(await once(async () => submit(throwing), dir)).toMatchObject({
      ran: true,
      cached: false,
    });
  });

  it('must be a function, and says so naming the task', () => {
    const error = thrown(() =>
      task({ name: 'ci.bad', inputs: ['rows.txt'] as never }, async () => 1),
    );
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as Error).message).toBe(
      "task ci.bad: inputs must be a function from the task's arguments to the paths of the " +
        'files it reads, such as inputs: (path) => [path]; got array of length 1 ["rows.txt"]',
    );
  });
});
