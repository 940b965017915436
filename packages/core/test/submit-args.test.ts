import {
  type Future,
  InvalidArgumentError,
  isTask,
  NoActiveRunError,
  NotATaskError,
  run,
  submit,
  task,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { recorder, sleep, thrown } from './helpers.ts';

const value = task('value', async (_ctx, v: number) => v);
const echo = task('echo', async (_ctx, ...args: unknown[]) => args);

describe('task()', () => {
  it('takes a name or an options object, and runs its function with ctx first', async () => {
    const byName = task('byName', async (ctx, a: number, b: string) => `${ctx.name}:${a}${b}`);
    const byOptions = task({ name: 'byOptions', retries: 1 }, async (ctx, a: number) => {
      return `${ctx.name}:${a}`;
    });
    expect(byName.name).toBe('byName');
    expect(byOptions.name).toBe('byOptions');
    expect(isTask(byName)).toBe(true);
    expect(isTask(() => 1)).toBe(false);
    expect(await run(async () => [submit(byName, 1, 'x'), submit(byOptions, 2)])).toEqual([
      'byName:1x',
      'byOptions:2',
    ]);
  });

  it('accepts a synchronous function', async () => {
    const sync = task('sync', (_ctx, x: number) => x + 1);
    expect(await run(async () => submit(sync, 1))).toBe(2);
  });
});

describe('submit() arguments', () => {
  it('passes plain arguments through unchanged', async () => {
    const date = new Date(0);
    const received = await run(async () =>
      submit(echo, 1, 'two', null, undefined, [3], { four: 4 }, date),
    );
    expect(received).toEqual([1, 'two', null, undefined, [3], { four: 4 }, date]);
  });

  it('replaces futures at the top level by their values', async () => {
    const sum = task('sum', async (_ctx, a: number, b: number) => a + b);
    expect(await run(async () => submit(sum, submit(value, 2), submit(value, 3)))).toBe(5);
  });

  it('replaces futures inside arrays and plain objects, at any depth', async () => {
    const received = await run(async () => {
      const a = submit(value, 1);
      const b = submit(value, 2);
      const bare = Object.create(null) as Record<string, unknown>;
      bare.b = b;
      return submit(echo, [a, 5, [b]], { a, nested: { list: [a, b] }, n: 6 }, bare);
    });
    expect(received).toEqual([[1, 5, [2]], { a: 1, nested: { list: [1, 2] }, n: 6 }, { b: 2 }]);
  });

  it('starts a task only after every future in its arguments succeeded', async () => {
    const order: string[] = [];
    const slow = task('slow', async (_ctx, name: string) => {
      await sleep(5);
      order.push(name);
      return name;
    });
    const last = task('last', async (_ctx, parts: { x: string; ys: string[] }) => {
      order.push('last');
      return [parts.x, ...parts.ys].join();
    });
    const result = await run(async () =>
      submit(last, { x: submit(slow, 'x'), ys: [submit(slow, 'y1'), submit(slow, 'y2')] }),
    );
    expect(result).toBe('x,y1,y2');
    expect(order.at(-1)).toBe('last');
    expect(order).toHaveLength(4);
  });

  it('records each future once as a dependency, wherever it appears', async () => {
    const rec = recorder();
    await run(
      async () => {
        const a = submit(value, 1);
        const b = submit(value, 2);
        const c = submit(echo, a, [a, b], { again: a, b });
        const [submitted] = rec.of(c.id);
        expect(submitted).toMatchObject({ type: 'submitted' });
        expect(submitted?.type === 'submitted' && [...submitted.deps].sort()).toEqual(
          [a.id, b.id].sort(),
        );
      },
      { onEvent: rec.onEvent },
    );
  });

  it('leaves futures inside class instances alone (only arrays and plain objects are searched)', async () => {
    class Box {
      readonly inner: unknown;
      constructor(inner: unknown) {
        this.inner = inner;
      }
    }
    const received = await run(async () => {
      const f = submit(value, 1);
      await f;
      const [box] = (await submit(echo, new Box(f))) as [Box];
      return box.inner === f;
    });
    expect(received).toBe(true);
  });

  it('resolves futures in a circular plain object', { timeout: 1000 }, async () => {
    const pick = task('pick', async (_ctx, o: { f: number; self: unknown }) => ({
      f: o.f,
      circular: o.self === o,
    }));
    const result = await run(async () => {
      const o: { f: Future<number> | number; self?: unknown } = { f: submit(value, 9) };
      o.self = o;
      return submit(pick, o as { f: Future<number>; self: unknown });
    });
    expect(result).toEqual({ f: 9, circular: true });
  });
});

describe('submit() bad input', () => {
  it('rejects a plain function with NotATaskError suggesting task()', async () => {
    async function loadRows() {
      return [];
    }
    await run(async () => {
      const call = () => submit(loadRows as never);
      expect(call).toThrow(NotATaskError);
      expect(call).toThrow(/submit\(\) expects a task made with task\(\), got function loadRows/);
      expect(call).toThrow("Wrap it: export const loadRows = task('loadRows'");
    });
  });

  it('rejects other non-tasks with NotATaskError describing the value', async () => {
    await run(async () => {
      expect(() => submit(42 as never)).toThrow('submit() expects a task made with task(), got 42');
      expect(() => submit({ name: 'fake' } as never)).toThrow(/got object/);
      expect(() => submit(undefined as never)).toThrow(NotATaskError);
    });
  });

  it('rejects a promise argument with InvalidArgumentError naming its path', async () => {
    await run(async () => {
      const top = () => submit(echo, Promise.resolve(1));
      expect(top).toThrow(InvalidArgumentError);
      expect(top).toThrow(/task echo: args\[0\] is a Promise \(a promise or thenable\)/);
      expect(top).toThrow('pass a future from submit(), await the value before submitting');
      const nested = () => submit(echo, 1, { x: Promise.resolve(1) });
      expect(nested).toThrow(/args\[1\]\.x is a Promise/);
      const deep = () => submit(echo, [{ list: [0, Promise.resolve(1)] }]);
      expect(deep).toThrow(/args\[0\]\[0\]\.list\[1\] is a Promise/);
      expect(thrown(() => submit(echo, { x: Promise.resolve(1) }))).toMatchObject({
        code: 'WEFT_INVALID_ARGUMENT',
        task: 'echo',
        path: 'args[0].x',
      });
    });
  });

  it('rejects a thenable that is not a Promise', async () => {
    // biome-ignore lint/suspicious/noThenProperty: the point of the test is a custom thenable.
    const thenable = { then: (resolve: (v: number) => void) => resolve(1) };
    await run(async () => {
      expect(() => submit(echo, { t: thenable })).toThrow(/args\[0\]\.t is a .*thenable/);
    });
  });

  it('rejects a future of another run, naming both runs', async () => {
    let foreign: Future<number> | undefined;
    await run(
      async () => {
        foreign = submit(value, 1);
      },
      { runId: 'first-run' },
    );
    await run(
      async () => {
        const call = () => submit(value, foreign!);
        expect(call).toThrow(InvalidArgumentError);
        expect(call).toThrow(
          'task value: args[0] is a future of run first-run, not of this run (second-run)',
        );
        expect(() => submit(echo, { nested: [foreign] })).toThrow(/args\[0\]\.nested\[0\]/);
      },
      { runId: 'second-run' },
    );
  });

  it('throws NoActiveRunError outside a run', () => {
    const call = () => submit(value, 1);
    expect(call).toThrow(NoActiveRunError);
    expect(call).toThrow(
      'submit(value) was called outside a run. Call it inside run(async () => ...) or inside a task.',
    );
  });

  it('adds nothing to the run when a submission is refused', async () => {
    const rec = recorder();
    await run(
      async () => {
        expect(() => submit(echo, Promise.resolve(1))).toThrow(InvalidArgumentError);
        await submit(value, 1);
      },
      { onEvent: rec.onEvent },
    );
    expect(rec.ofType('submitted').map((e) => e.name)).toEqual(['value']);
  });
});
