import {
  DuplicateLabelError,
  InvalidOptionError,
  type RunFailedError,
  run,
  startRun,
  submit,
  task,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { recorder, rejection, thrown } from './helpers.ts';

const fetch = task('fetch', async (_ctx, url: string) => url.length);
const parse = task('parse', async (_ctx, n: number) => n);

describe('task.with()', () => {
  it('returns a variant with the given options, keeping the rest and the function', async () => {
    const base = task(
      { name: 'base', retries: 2, timeout: '1s', priority: 3, requirements: { cpus: 1 } },
      async (_ctx, x: number) => x + 1,
    );
    const variant = base.with({ label: 'v', priority: 7 });
    expect(variant.name).toBe('base');
    expect(variant.fn).toBe(base.fn);
    expect(variant.label).toBe('v');
    expect(variant.options).toMatchObject({
      name: 'base',
      retries: 2,
      timeoutMs: 1000,
      priority: 7,
      requirements: base.options.requirements,
    });
    expect(base.label).toBeUndefined();
    expect(base.options.priority).toBe(3);
    expect(await run(async () => submit(variant, 1))).toBe(2);
  });

  it('chains: later calls override earlier ones', () => {
    const t = fetch.with({ retries: 1, label: 'a' }).with({ retries: 4 });
    expect(t.options.retries).toBe(4);
    expect(t.label).toBe('a');
  });

  it('validates its options', () => {
    expect(() => fetch.with({ retries: -1 })).toThrow(
      new InvalidOptionError('task fetch: retries must be a whole number from 0 to 1000, got -1'),
    );
    expect(() => fetch.with({ label: '' })).toThrow(
      new InvalidOptionError('task fetch: a label must be a non-empty string'),
    );
    expect(() => fetch.with({ priority: 1.5 })).toThrow(
      new InvalidOptionError('task fetch: priority must be a whole number, got 1.5'),
    );
  });
});

describe('labels', () => {
  it('are visible to the task, on its future and in its events', async () => {
    const seen: (string | undefined)[] = [];
    const who = task('who', async (ctx) => {
      seen.push(ctx.label);
    });
    const rec = recorder();
    await run(
      async () => {
        const f = submit(who.with({ label: 'me' }));
        expect(f.label).toBe('me');
        await f;
        for (const e of rec.of(f.id)) expect(e.label).toBe('me');
      },
      { onEvent: rec.onEvent },
    );
    expect(seen).toEqual(['me']);
  });

  it('map to task ids through RunHandle.taskId()', async () => {
    const handle = startRun(async () => {
      const a = submit(fetch.with({ label: 'fetch-a' }), 'a');
      const b = submit(parse.with({ label: 'parse-a' }), a);
      return { a: a.id, b: b.id };
    });
    const ids = await handle.result();
    expect(handle.taskId('fetch-a')).toBe(ids.a);
    expect(handle.taskId('parse-a')).toBe(ids.b);
    expect(handle.taskId('fetch-b')).toBeUndefined();
  });

  it('reject a second use in the same run with DuplicateLabelError naming both submissions', async () => {
    await run(async () => {
      const first = submit(fetch.with({ label: 'x' }), 'a');
      const error = thrown(() => submit(parse.with({ label: 'x' }), first));
      expect(error).toBeInstanceOf(DuplicateLabelError);
      expect((error as Error).message).toBe(
        `label "x" is already used in this run by fetch#${first.id} "x"; ` +
          'the second submission (task parse) needs another label',
      );
      expect(error).toMatchObject({
        code: 'WEFT_DUPLICATE_LABEL',
        label: 'x',
        first: { id: first.id, name: 'fetch', label: 'x' },
        second: 'parse',
      });
    });
  });

  it('stay unique and found among thousands in one run', async () => {
    const handle = startRun(async () => {
      const ids: number[] = [];
      for (let i = 0; i < 5000; i++) ids.push(submit(fetch.with({ label: `f-${i}` }), 'a').id);
      const error = thrown(() => submit(parse.with({ label: `f-${2500}` }), 1));
      expect((error as DuplicateLabelError).first).toEqual({
        id: ids[2500],
        name: 'fetch',
        label: 'f-2500',
      });
      return ids;
    });
    const ids = await handle.result();
    expect(ids.map((_, i) => handle.taskId(`f-${i}`))).toEqual(ids);
    expect(handle.taskId('f-5000')).toBeUndefined();
  });

  it('are unique across tasks submitted by tasks too', async () => {
    const child = task('child', async () => {
      submit(fetch.with({ label: 'shared' }), 'b');
    });
    const error = await rejection(
      run(async () => {
        submit(fetch.with({ label: 'shared' }), 'a');
        submit(child);
      }),
    );
    expect((error as RunFailedError).failures.map((f) => [f.name, f.error.name])).toEqual([
      ['child', 'DuplicateLabelError'],
    ]);
  });

  it('can be reused in another run', async () => {
    const once = fetch.with({ label: 'same' });
    expect(await run(async () => submit(once, 'ab'))).toBe(2);
    expect(await run(async () => submit(once, 'abc'))).toBe(3);
  });

  it('keep the run usable after a duplicate was refused', async () => {
    const rec = recorder();
    const value = await run(
      async () => {
        submit(fetch.with({ label: 'x' }), 'a');
        thrown(() => submit(fetch.with({ label: 'x' }), 'b'));
        return submit(fetch.with({ label: 'y' }), 'abc');
      },
      { onEvent: rec.onEvent },
    );
    expect(value).toBe(3);
    expect(rec.ofType('submitted').map((e) => e.label)).toEqual(['x', 'y']);
  });

  it('name the first submission by its full task name', async () => {
    const versioned = task('fetch#v2', async () => 1);
    await run(async () => {
      const first = submit(versioned.with({ label: 'dup' }));
      const error = thrown(() => submit(versioned.with({ label: 'dup' })));
      expect((error as DuplicateLabelError).first).toEqual({
        id: first.id,
        name: 'fetch#v2',
        label: 'dup',
      });
      expect((error as Error).message).toContain(`by fetch#v2#${first.id} "dup"`);
    });
  });
});
