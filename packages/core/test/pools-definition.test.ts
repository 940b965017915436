/**
 * Executor pools as resources: `pools()` in a resource set (each pool gets
 * the resources it can take, config keyed by pool name, every pool the run
 * made disposed with it, a failing pool named), the `{ kind: 'pools' }`
 * data form, `poolsExecutor()` for direct use, and the messages of
 * malformed pools.
 */
import {
  ConfigError,
  createInlineExecutor,
  type Executor,
  type Invocation,
  NotProcessSafeError,
  pools,
  poolsExecutor,
  registerExecutorKind,
  resource,
  resourceSet,
  run,
  submit,
  task,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { thread } from './fixtures/pool-tasks.ts';
import { recorder, rejection, thrown } from './helpers.ts';

const journal: string[] = [];

/** An in-process executor that writes down its life in `journal`, named by its `tag` option. */
function tracked(tag: string): Executor {
  const inner = createInlineExecutor();
  journal.push(`create ${tag}`);
  return {
    name: `tracked-${tag}`,
    capacity: inner.capacity,
    worker: `tracked ${tag}`,
    check: (t) => void journal.push(`check ${tag} ${t.name}`),
    run: (invocation, signal) => {
      journal.push(`run ${tag} ${invocation.task.name}`);
      return inner.run(invocation, signal);
    },
    async [Symbol.asyncDispose]() {
      journal.push(`dispose ${tag}`);
    },
  };
}

registerExecutorKind('pools.tracked', (options) => {
  if (options.tag === 'boom') throw new Error('boom');
  return tracked(String(options.tag));
});

const mark = task('pools.mark', () => 'marked');

describe('pools() in a resource set', () => {
  it('gives resources made here to an inline pool, and refuses them to a threads pool', async () => {
    const set = resourceSet({
      executor: pools(
        { local: 'inline', workers: { kind: 'threads', max: 1 } },
        { default: 'local' },
      ),
      memory: resource({ processSafe: false, create: () => new Map<string, number>() }),
    });
    const useMemory = task(
      { name: 'useMemory', resources: ['memory'] },
      (ctx) => ctx.resources.memory instanceof Map,
    );
    const out = await run(
      () => ({
        here: submit(useMemory),
        refused: thrown(() => submit(useMemory.with({ pool: 'workers' }))),
      }),
      { resources: set },
    );
    expect(out.here).toBe(true);
    expect(out.refused).toBeInstanceOf(NotProcessSafeError);
    expect(out.refused).toMatchObject({ resource: 'memory', pool: 'workers' });
    expect((out.refused as Error).message).toBe(
      'task useMemory needs resource "memory", which cannot be rebuilt in another process ' +
        '(processSafe: false), but its pool "workers" (executor "threads") runs tasks outside ' +
        'this process; send the task to a pool that runs tasks here (local) with its pool ' +
        'option, or use a resource that can be rebuilt in a worker',
    );
  });

  it('creates its pools with the run, checks and runs each task on its pool, and disposes them', async () => {
    journal.length = 0;
    const mine = tracked('mine');
    journal.length = 0;
    const set = resourceSet({
      executor: pools(
        { a: { kind: 'pools.tracked', tag: 'a' }, b: { kind: 'pools.tracked', tag: 'b' }, mine },
        { default: 'a' },
      ),
    });
    const rec = recorder();
    const out = await run(() => [submit(mark), submit(mark.with({ pool: 'mine' }))], {
      resources: set,
      set: { 'executor.b.tag': 'b from config' },
      onEvent: rec.onEvent,
    });
    expect(out).toEqual(['marked', 'marked']);
    expect(rec.ofType('started').map((e) => e.worker)).toEqual(['tracked a', 'tracked mine']);
    // Pools the run made are disposed with it, all of them; an executor given as a pool stays its owner's.
    expect(journal).toEqual([
      'create a',
      'create b from config',
      'check a pools.mark',
      'check mine pools.mark',
      'run a pools.mark',
      'run mine pools.mark',
      'dispose a',
      'dispose b from config',
    ]);
  });

  it('refuses config for a pool it lacks, or for a pool that takes none, naming the path', async () => {
    const set = resourceSet({
      executor: pools({ a: 'inline', mine: createInlineExecutor() }, { default: 'a' }),
    });
    const error = await rejection(
      run(() => {}, { resources: set, set: { 'executor.nope.max': 2, 'executor.mine.x': 1 } }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'invalid config for resource "executor":\n' +
        '  - executor.nope: no pool of that name; the pools are: a, mine\n' +
        '  - executor.mine: this pool takes no config (it was given as an executor, or a ' +
        "definition without a config schema); give it as a kind, like { kind: 'threads', max: 4 }, " +
        'to configure it',
    );
  });

  it('names the pool that could not be created, and disposes those made before it', async () => {
    journal.length = 0;
    const set = resourceSet({
      executor: pools(
        { a: { kind: 'pools.tracked', tag: 'a' }, b: { kind: 'pools.tracked', tag: 'boom' } },
        { default: 'a' },
      ),
    });
    const error = await rejection(run(() => submit(mark), { resources: set }));
    expect((error as Error).message).toBe(
      'resource "executor" could not be created: pool "b" could not be created: boom',
    );
    expect((error as Error).cause).toMatchObject({ code: 'WEFT_POOL_CREATE', pool: 'b' });
    expect(journal).toEqual(['create a', 'dispose a']);
  });
});

describe('the { kind: "pools" } data form', () => {
  it('is an executor choice like a kind', async () => {
    const rec = recorder();
    const out = await run(() => [submit(thread), submit(thread.with({ pool: 'b' }))], {
      executor: {
        kind: 'pools',
        pools: { a: 'inline', b: { kind: 'pools.tracked', tag: 'b' } },
        default: 'a',
      },
      onEvent: rec.onEvent,
    });
    expect(out).toEqual([0, 0]);
    expect(rec.ofType('started').map((e) => e.worker)).toEqual(['inline', 'tracked b']);
  });

  it('says what it takes when malformed', async () => {
    const error = await rejection(
      run(() => {}, { executor: { kind: 'pools', pools: { a: 'inline' }, default: 'a', max: 2 } }),
    );
    expect((error as Error).message).toBe(
      "executor { kind: 'pools' } takes { pools: { <name>: <kind or { kind, ...options }> }, " +
        'default: <name> }, not max',
    );
  });
});

describe('poolsExecutor() for direct use', () => {
  it('routes run and check by the task pool, names the worker, and disposes every pool once', async () => {
    journal.length = 0;
    const executor = poolsExecutor(
      { a: tracked('a'), b: createInlineExecutor() },
      { default: 'a' },
    );
    expect(executor.capacity).toBe(executor.pools[0]!.executor.capacity);
    executor.check(mark, []);
    const placed: string[] = [];
    const invocation = (t: typeof mark) =>
      ({ task: t, args: [], placed: (w: string) => placed.push(w) }) as unknown as Invocation;
    await executor.run(invocation(mark), new AbortController().signal);
    await executor.run(invocation(mark.with({ pool: 'b' })), new AbortController().signal);
    expect(placed).toEqual(['tracked a', 'inline']);
    expect(() => executor.check(mark.with({ pool: 'c' }), [])).toThrow(
      /task pools.mark asks for pool "c", which executor "pools" does not have \(its pools: a, b\)/,
    );
    await executor[Symbol.asyncDispose]();
    await executor[Symbol.asyncDispose]();
    expect(journal).toEqual(['create a', 'check a pools.mark', 'run a pools.mark', 'dispose a']);
  });
});

describe('malformed pools', () => {
  const message = (fn: () => unknown) => (thrown(fn) as Error).message;

  it('are refused with what to do', () => {
    expect(message(() => pools({}, { default: 'a' }))).toBe(
      "pools(): give from 1 to 256 pools, like pools({ local: threads() }, { default: 'local' }); got 0",
    );
    expect(message(() => pools({ a: 'inline' }, { default: 'b' }))).toBe(
      'pools(): the default pool must name one of the pools (a), got "b"; pass it as { default: \'a\' }',
    );
    expect(message(() => pools({ 'a.b': 'inline' }, { default: 'a.b' }))).toMatch(
      /^pools\(\): pool name "a.b" must start with a letter or _ and hold only letters, digits, _ and -/,
    );
    expect(
      message(() => pools({ a: { kind: 'pools', pools: { b: 'inline' } } }, { default: 'a' })),
    ).toBe(
      'pools(): pool "a" is itself made of pools; pools do not nest, list its pools here instead',
    );
    const inner = poolsExecutor({ b: createInlineExecutor() }, { default: 'b' });
    expect(message(() => poolsExecutor({ a: inner }, { default: 'a' }))).toBe(
      'pools: pool "a" is itself made of pools; pools do not nest, list its pools here instead',
    );
    expect(message(() => pools({ a: 42 as unknown as string }, { default: 'a' }))).toMatch(
      /^pools\(\): pool "a" must be an executor kind .* got 42$/,
    );
  });
});
