/**
 * Graphs of steps as runs: products flow from producers to consumers
 * (values and files), the chain of behaviours runs in the order
 * `behaviours()` reports and maps onto the node options the scheduler
 * honours (retry, timeout, pool, cache), a run is recorded, cached and
 * resumable like any other, steps submit tasks and products are handed to
 * `submit` as futures, and steps run in worker threads on a pool.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createInlineExecutor,
  createLogger,
  graph,
  type LogRecord,
  onPool,
  poolsExecutor,
  product,
  RunFailedError,
  run,
  step,
  steps,
  submit,
  task,
  threadsExecutor,
} from '@weft/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './fixtures/steps/sandbox.ts';
import { recorder } from './helpers.ts';

const ETL = new URL('./fixtures/steps/etl.ts', import.meta.url);

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.close());

describe('a graph of steps', () => {
  it('runs each step once, producers first, with the values and files they produce', async () => {
    const g = graph('basic');
    const words = product<string[]>('words');
    const count = product<number>('count');
    const listing = product('listing', { file: 'out/listing.txt' });
    const ran: string[] = [];
    // Declared consumers first: the order of declaration does not matter.
    step('write', g, async (ctx) => {
      ran.push('write');
      const { mkdir, writeFile } = await import('node:fs/promises');
      await mkdir(join(box.dir, 'out'), { recursive: true });
      await writeFile(ctx.path(listing), `${ctx.get(count)}: ${ctx.get(words).join(' ')}\n`);
    })
      .consumes(words, count)
      .produces(listing);
    step('count', g, (ctx) => {
      ran.push('count');
      return ctx.get(words).length;
    })
      .consumes(words)
      .produces(count);
    step('split', g, (ctx) => {
      ran.push('split');
      ctx.put(words, String(ctx.params.text).split(' '));
    }).produces(words);
    expect(g.check().map((s) => s.name)).toEqual(['split', 'count', 'write']);
    const out = await g.run({ record: false, params: { text: 'a b c' } });
    expect(ran).toEqual(['split', 'count', 'write']);
    expect(out).toEqual({
      words: ['a', 'b', 'c'],
      count: 3,
      listing: join(box.dir, 'out/listing.txt'),
    });
    expect(readFileSync('out/listing.txt', 'utf8')).toBe('3: a b c\n');
    expect(g.describe()).toBe(
      [
        'graph basic',
        '  step split: consumes -; produces words; behaviours cache > wait-for-producers',
        '  step count: consumes words; produces count; behaviours cache > wait-for-producers',
        '  step write: consumes words, count; produces listing; behaviours cache > wait-for-producers',
        '',
      ].join('\n'),
    );
  });

  it('lists its chain in order, and runs it in that order around the action', async () => {
    const g = graph('chain');
    const p = product<string[]>('p');
    const seen: string[] = [];
    const outer = steps.behaviour(
      'outer',
      async (ctx, next) => {
        seen.push(`outer in (${ctx.chain.join(',')})`);
        await next();
        seen.push('outer out');
      },
      { note: 1 },
    );
    const inner = steps.behaviour('inner', async (_ctx, next) => {
      seen.push('inner in');
      await next();
      seen.push('inner out');
    });
    const s = step('s', g, (ctx) => {
      seen.push('action');
      return [...ctx.chain];
    }).produces(p);
    s.use(inner);
    steps.timeout('1h')(s);
    s.use(outer, { before: 'cache' });
    onPool('cluster')(s);
    steps.retry(2, { initial: '1ms' })(s);
    expect(s.behaviours()).toEqual([
      { name: 'outer', options: { note: 1 } },
      { name: 'cache', options: {} },
      { name: 'wait-for-producers', options: {} },
      { name: 'pool', options: { pool: 'cluster' } },
      { name: 'retry', options: { retries: 2, backoff: { initial: '1ms' } } },
      { name: 'timeout', options: { timeout: '1h' } },
      { name: 'inner', options: {} },
    ]);
    const records: LogRecord[] = [];
    const out = await g.run({ record: false, logger: createLogger((r) => records.push(r)) });
    expect(out.p).toEqual(s.behaviours().map((b) => b.name));
    expect(seen).toEqual(['outer in (outer)', 'inner in', 'action', 'inner out', 'outer out']);
    // The pool behaviour under an executor without pools: a no-op, with a warning.
    expect(records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual([
      'executor "inline" has no pools, so the pool option is ignored: tasks that ask for pool "cluster" (the first: chain.s#0) run on "inline" like the others',
    ]);
  });

  it('takes a whole chain by name, and a behaviour of its own may stand in for the action', async () => {
    const g = graph('given');
    const p = product<string>('p');
    const s = step('s', g, () => 'from the action', {
      behaviours: [
        ['timeout', { timeout: '1h' }],
        'cache',
        steps.behaviour('stub', async (ctx) => {
          ctx.put(p, `stubbed after ${ctx.chain.join(' > ')}`);
        }),
      ],
    }).produces(p);
    // Given in that order; wait-for-producers joins at its place.
    expect(s.behaviours().map((b) => b.name)).toEqual([
      'timeout',
      'cache',
      'wait-for-producers',
      'stub',
    ]);
    expect(await g.run({ record: false })).toEqual({
      p: 'stubbed after timeout > cache > wait-for-producers > stub',
    });
  });

  it('retries and times out through the node options the scheduler honours', async () => {
    const g = graph('policy');
    const ok = product<number>('ok');
    const late = product<number>('late');
    step(
      'flaky',
      g,
      (ctx) => {
        if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} fails`);
        return ctx.attempt;
      },
      { retries: 2, backoff: { initial: '1ms', jitter: false } },
    ).produces(ok);
    steps.timeout('20ms')(
      step(
        'slow',
        g,
        (ctx) =>
          new Promise<number>((_, reject) => {
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          }),
      ).produces(late),
    );
    const rec = recorder();
    const e = await g
      .run({ record: false, keepGoing: true, onEvent: rec.onEvent })
      .catch((error: unknown) => error);
    expect(e).toBeInstanceOf(RunFailedError);
    const failures = (e as RunFailedError).failures;
    expect(failures.map((f) => [f.name, f.error.code])).toEqual([['policy.slow', 'WEFT_TIMEOUT']]);
    const succeeded = rec.ofType('succeeded');
    expect(succeeded.map((s) => [s.taskId, s.attempt])).toEqual([[0, 3]]);
  });

  it('runs a step on the pool its behaviour names, in a worker thread that imports its module', async () => {
    const etl = await import(ETL.href);
    await using executor = poolsExecutor(
      { local: createInlineExecutor(), heavy: threadsExecutor({ max: 1 }) },
      { default: 'local' },
    );
    const out = await etl.default.run({ executor, record: false, params: { n: 4 } });
    expect(out.doubled).toEqual([2, 4, 6, 8]);
    expect(out.total).toBe(20);
    const [where, ...chain] = out.where as string[];
    expect(where).not.toBe(`${process.pid}/0`);
    expect(chain).toEqual(['cache', 'wait-for-producers', 'pool']);
    expect(readFileSync('out/report.txt', 'utf8')).toBe('total 20\n');
  });
});

describe('steps and futures', () => {
  const shout = task('steps-run.shout', (_ctx, text: string) => `${text.toUpperCase()}!`);

  it('mix: a step submits tasks, and products are handed to submit as futures', async () => {
    const g = graph('mixed');
    const text = product<string>('text');
    const loud = product<string>('loud');
    step('text', g, () => 'hello').produces(text);
    step('loud', g, async (ctx) => {
      // The futures API inside a step, and a consumed product as a future.
      const a = await submit(shout, ctx.get(text));
      const b = await submit(shout, text.future());
      return `${a} ${b}`;
    })
      .consumes(text)
      .produces(loud);
    const rec = recorder();
    const out = await run(
      () => {
        const futures = g();
        return { loud: futures.loud, again: submit(shout, loud.future()) };
      },
      { record: false, onEvent: rec.onEvent },
    );
    expect(out.loud).toEqual({ loud: 'HELLO! HELLO!' });
    expect(out.again).toBe('HELLO! HELLO!!');
    const names = rec.ofType('submitted').map((e) => e.name);
    expect(names.sort()).toEqual(
      [
        'mixed.text',
        'mixed.loud',
        'weft.get',
        'steps-run.shout',
        'steps-run.shout',
        'steps-run.shout',
        'weft.steps.value',
      ].sort(),
    );
  });

  it('refuses to add one graph twice to a run', async () => {
    const g = graph('twice');
    step('s', g, () => 1);
    const e = await run(
      () => {
        g();
        g();
      },
      { record: false },
    ).catch((error: unknown) => error);
    expect((e as RunFailedError).cause).toMatchObject({
      message: expect.stringMatching(
        /^graph twice was already added to run \S+; a graph runs once per run$/,
      ),
    });
  });
});

describe('a recorded graph', () => {
  const ran: string[] = [];
  let failSum = true;
  const g = graph('recorded');
  const a = product<number>('a');
  const b = product<number>('b');
  const c = product<number>('c');
  step('a', g, (ctx) => {
    ran.push('a');
    return Number(ctx.params.x);
  }).produces(a);
  step('b', g, (ctx) => {
    ran.push('b');
    if (failSum) throw new Error('b fails this time');
    return ctx.get(a) + 1;
  })
    .consumes(a)
    .produces(b);
  step(
    'c',
    g,
    (ctx) => {
      ran.push('c');
      return ctx.get(b) * 10;
    },
    { cache: false },
  )
    .consumes(b)
    .produces(c);

  it('resumes without redoing finished steps', async () => {
    const store = join(box.dir, 'weft.db');
    failSum = true;
    ran.length = 0;
    const first = g.start({ store, params: { x: 1 } });
    await expect(first.result()).rejects.toThrow(RunFailedError);
    expect(ran).toEqual(['a', 'b']);
    expect(first.taskId('b')).toBe(1);
    failSum = false;
    ran.length = 0;
    const resumed = g.start({ store, params: { x: 1 }, resume: first.id });
    expect(await resumed.result()).toEqual({ a: 1, b: 2, c: 20 });
    expect(resumed.id).toBe(first.id);
    expect(ran).toEqual(['b', 'c']);
  });

  it('skips the steps whose products a run already made from the same inputs', async () => {
    const store = join(box.dir, 'weft.db');
    failSum = false;
    ran.length = 0;
    expect(await g.run({ store, params: { x: 1 } })).toEqual({ a: 1, b: 2, c: 20 });
    expect(ran).toEqual(['a', 'b', 'c']);
    // a and b are cached (skip if redundant); c has no cache behaviour.
    ran.length = 0;
    const again = recorder();
    expect(await g.run({ store, params: { x: 1 }, onEvent: again.onEvent })).toEqual({
      a: 1,
      b: 2,
      c: 20,
    });
    expect(ran).toEqual(['c']);
    expect(again.ofType('cached').map((e) => e.name)).toEqual(['recorded.a', 'recorded.b']);
    // Other params: other inputs, so a runs again, and b after it.
    ran.length = 0;
    expect(await g.run({ store, params: { x: 2 } })).toEqual({ a: 2, b: 3, c: 30 });
    expect(ran).toEqual(['a', 'b', 'c']);
  });
});
