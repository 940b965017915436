/**
 * Executors as resources: `inline()` and `executor()` in a set's `executor`
 * key, the kind and options coming from config, the `executor` run option
 * overriding the set's, and the executor's place in the lifecycle.
 */

import {
  ConfigError,
  createInlineExecutor,
  executor,
  executorKinds,
  inline,
  ResourceCreateError,
  ResourceSetError,
  type RunOptions,
  registerExecutorKind,
  resource,
  resourceSet,
  run,
  submit,
  task,
} from '@weft/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred, probe, rejection, sleep } from './helpers.ts';

const TASKS = 6;

/**
 * The most tasks that ran at once among TASKS submitted together. Each waits
 * until all have started or a short while has passed, so an unlimited
 * executor reaches TASKS without depending on timing, and a limited one
 * cannot deadlock.
 */
async function maxConcurrency(options: RunOptions): Promise<number> {
  const p = probe();
  const allIn = deferred();
  const busy = task('busy', async () => {
    p.enter();
    if (p.now === TASKS) allIn.resolve();
    await Promise.race([allIn.promise, sleep(5)]);
    p.leave();
  });
  await run(() => {
    for (let i = 0; i < TASKS; i++) submit(busy);
  }, options);
  return p.max;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('an executor in a resource set', () => {
  it('runs tasks on the inline executor of the set, with its concurrency, beside other resources', async () => {
    let creations = 0;
    const set = resourceSet({
      executor: inline({ concurrency: 2 }),
      db: resource({ create: () => ++creations }),
    });
    const p = probe();
    const useDb = task({ name: 'useDb', resources: ['db'] }, async (ctx) => {
      p.enter();
      await sleep(1);
      p.leave();
      return ctx.resources.db;
    });

    const values = await run(async () => Array.from({ length: TASKS }, () => submit(useDb)), {
      resources: set,
    });

    expect(p.max).toBe(2);
    expect(values).toEqual(Array(TASKS).fill(1));
    expect(creations).toBe(1);
  });

  it('uses an unlimited inline executor when the set has none', async () => {
    expect(await maxConcurrency({ resources: resourceSet({}) })).toBe(TASKS);
  });

  it('rejects bad inline options when the definition is made, not when a run starts', () => {
    expect(() => inline({ concurrency: 0 })).toThrow('inline: concurrency must be at least 1');
  });
});

describe('executor() choosing its kind from config', () => {
  it('takes the kind and options from config', async () => {
    const set = resourceSet({ executor: executor() });
    expect(await maxConcurrency({ resources: set })).toBe(TASKS);
    expect(
      await maxConcurrency({
        resources: set,
        config: { executor: { kind: 'inline', concurrency: 1 } },
      }),
    ).toBe(1);
  });

  it('lets config override the defaults it was given, from any config source', async () => {
    const set = resourceSet({ executor: executor({ kind: 'inline', concurrency: 3 }) });
    expect(await maxConcurrency({ resources: set })).toBe(3);
    expect(await maxConcurrency({ resources: set, config: { executor: { concurrency: 1 } } })).toBe(
      1,
    );
    vi.stubEnv('WEFT__executor__concurrency', '2');
    expect(await maxConcurrency({ resources: set })).toBe(2);
  });

  it('rejects an unknown kind before main, listing the known kinds', async () => {
    let mainRan = false;
    const error = await rejection(
      run(
        () => {
          mainRan = true;
        },
        {
          resources: resourceSet({ executor: executor() }),
          config: { executor: { kind: 'warp-drive' } },
        },
      ),
    );

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).resource).toBe('executor');
    expect((error as Error).message).toContain('executor.kind');
    expect((error as Error).message).toContain(
      `unknown executor kind; expected one of: ${executorKinds().join(', ')}`,
    );
    expect(executorKinds()).toContain('inline');
    expect(mainRan).toBe(false);
  });

  it('reports options its kind rejects as a failed creation of "executor"', async () => {
    const error = await rejection(
      run(() => {}, {
        resources: resourceSet({ executor: executor() }),
        config: { executor: { kind: 'inline', concurrency: 0 } },
      }),
    );
    expect(error).toBeInstanceOf(ResourceCreateError);
    expect((error as Error).message).toBe(
      'resource "executor" could not be created: inline: concurrency must be at least 1, got 0',
    );
  });
});

describe('a registered executor kind', () => {
  const journal: string[] = [];
  const received: Record<string, unknown>[] = [];
  registerExecutorKind('recording', (options) => {
    received.push({ ...options });
    const inner = createInlineExecutor(options);
    journal.push('create executor');
    return {
      name: 'recording',
      capacity: inner.capacity,
      run: (invocation, signal) => inner.run(invocation, signal),
      async [Symbol.asyncDispose]() {
        journal.push('dispose executor');
      },
    };
  });

  it('is listed among the kinds, gets its options without the kind, and is disposed last', async () => {
    journal.length = 0;
    received.length = 0;
    const set = resourceSet({
      executor: executor({ kind: 'recording', concurrency: 2 }),
      db: resource({
        create: () => {
          journal.push('create db');
          return { value: 'db', dispose: () => void journal.push('dispose db') };
        },
      }),
    });
    const useDb = task({ name: 'useDb', resources: ['db'] }, () => {
      journal.push('task');
    });

    await run(async () => submit(useDb), { resources: set });

    expect(executorKinds()).toEqual(expect.arrayContaining(['inline', 'recording']));
    expect(received).toEqual([{ concurrency: 2 }]);
    expect(journal).toEqual([
      'create executor',
      'create db',
      'task',
      'dispose db',
      'dispose executor',
    ]);
  });

  it("is not created when the run's executor option replaces it", async () => {
    journal.length = 0;
    const set = resourceSet({ executor: executor({ kind: 'recording' }) });
    await maxConcurrency({ resources: set, executor: 'inline' });
    expect(journal).toEqual([]);
  });

  it("is used when the run's executor option names it, whatever kind config gives the mode's", async () => {
    journal.length = 0;
    const set = resourceSet({ executor: executor() });
    await maxConcurrency({
      resources: set,
      config: { executor: { kind: 'inline' } },
      executor: 'recording',
    });
    expect(journal).toEqual(['create executor', 'dispose executor']);
  });
});

describe("the run's executor option", () => {
  const limited = resourceSet({ executor: inline({ concurrency: 1 }) });

  it("overrides the set's executor with a kind, a kind with options, a definition or an executor", async () => {
    expect(await maxConcurrency({ resources: limited })).toBe(1);
    expect(await maxConcurrency({ resources: limited, executor: 'inline' })).toBe(TASKS);
    expect(
      await maxConcurrency({ resources: limited, executor: { kind: 'inline', concurrency: 2 } }),
    ).toBe(2);
    expect(await maxConcurrency({ resources: limited, executor: inline({ concurrency: 3 }) })).toBe(
      3,
    );
    expect(
      await maxConcurrency({
        resources: limited,
        executor: createInlineExecutor({ concurrency: 2 }),
      }),
    ).toBe(2);
  });

  it('rejects an unknown kind, a definition that is not an executor, and anything else', async () => {
    const unknown = await rejection(run(() => {}, { executor: 'warp-drive' }));
    expect(unknown).toBeInstanceOf(ConfigError);
    expect((unknown as Error).message).toContain('unknown executor kind; expected one of:');

    const notExecutor = await rejection(
      run(() => {}, { executor: resource({ create: () => 1 }) as never }),
    );
    expect(notExecutor).toBeInstanceOf(ResourceSetError);
    expect((notExecutor as Error).message).toBe(
      'the executor option got a resource definition that is not an executor',
    );

    const garbage = await rejection(run(() => {}, { executor: 42 as never }));
    expect(garbage).toBeInstanceOf(ResourceSetError);
    expect((garbage as Error).message).toContain('the executor option must be a kind');
  });
});
