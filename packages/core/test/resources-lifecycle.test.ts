/**
 * The lifecycle of resources in a run: what `create` receives and may return,
 * creation in dependency order and at most once per run, disposal in reverse
 * order however the run ends, and laziness (only what the run uses is made).
 */

import {
  createLogger,
  type LogRecord,
  RunCancelledError,
  type RunEvent,
  RunFailedError,
  resource,
  resourceSet,
  run,
  startRun,
  submit,
  task,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { aborted, deferred, rejection, sleep } from './helpers.ts';

/** Resources that write their creation and disposal into one shared list. */
function journal() {
  const entries: string[] = [];
  const named = (verb: string) =>
    entries.filter((e) => e.startsWith(`${verb} `)).map((e) => e.slice(verb.length + 1));
  return {
    entries,
    created: () => named('create'),
    disposed: () => named('dispose'),
    /** A resource whose value disposes itself through Symbol.asyncDispose. */
    resource(name: string, dependsOn: readonly string[] = []) {
      return resource({
        dependsOn,
        create: async () => {
          await sleep(); // an asynchronous create widens any race between tasks
          entries.push(`create ${name}`);
          return {
            name,
            async [Symbol.asyncDispose]() {
              entries.push(`dispose ${name}`);
            },
          };
        },
      });
    },
  };
}

describe('resource create', () => {
  it('receives its validated config, its dependencies, the run id, params, a logger and a signal', async () => {
    const records: LogRecord[] = [];
    const events: RunEvent[] = [];
    let seen:
      | { config: unknown; deps: string[]; runId: string; params: unknown; signal: AbortSignal }
      | undefined;
    const set = resourceSet({
      settings: resource({ create: () => 'the settings' }),
      db: resource({
        config: z.object({
          url: z.string().transform((s) => s.toUpperCase()),
          pool: z.number().default(4),
        }),
        dependsOn: ['settings'],
        create: (ctx) => {
          seen = {
            config: ctx.config,
            deps: Object.keys(ctx.resources),
            runId: ctx.runId,
            params: ctx.params,
            signal: ctx.signal,
          };
          ctx.log.info('opened', { from: ctx.resources.settings });
          return 'db';
        },
      }),
    });
    const use = task({ name: 'use', resources: ['db'] }, (ctx) => ({
      keys: Object.keys(ctx.resources),
      frozen: Object.isFrozen(ctx.resources),
      aborted: seen?.signal.aborted,
    }));

    const result = await run(async () => submit(use), {
      resources: set,
      config: { db: { url: 'sqlite:x' } },
      params: { day: '2024-01-02' },
      runId: 'run-ctx',
      logger: createLogger((r) => records.push(r)),
      onEvent: (e) => events.push(e),
    });

    expect(seen?.config).toEqual({ url: 'SQLITE:X', pool: 4 });
    expect(seen?.deps).toEqual(['settings']);
    expect(seen?.runId).toBe('run-ctx');
    expect(seen?.params).toEqual({ day: '2024-01-02' });
    // The task sees only what it declared, frozen; the signal is live while the run is.
    expect(result).toEqual({ keys: ['db'], frozen: true, aborted: false });
    expect(seen?.signal.aborted).toBe(true);
    // The resource's log records name it, in the run's events and its logger.
    const log = events.find((e) => e.type === 'log' && e.message === 'opened');
    expect(log).toMatchObject({ taskId: -1, fields: { resource: 'db', from: 'the settings' } });
    expect(records).toContainEqual(
      expect.objectContaining({
        message: 'opened',
        fields: expect.objectContaining({ resource: 'db', runId: 'run-ctx' }),
      }),
    );
  });

  it('disposes a value through Symbol.asyncDispose, Symbol.dispose, or the dispose it returned', async () => {
    const disposed: string[] = [];
    const set = resourceSet({
      asyncOne: resource({
        create: () => ({
          kind: 'async',
          async [Symbol.asyncDispose]() {
            disposed.push('async');
          },
        }),
      }),
      syncOne: resource({
        create: () => ({
          kind: 'sync',
          [Symbol.dispose]() {
            disposed.push('sync');
          },
        }),
      }),
      pair: resource({
        create: () => ({ value: { kind: 'pair' }, dispose: () => void disposed.push('pair') }),
      }),
      plain: resource({ create: () => ({ kind: 'plain' }) }),
    });
    const use = task(
      { name: 'use', resources: ['asyncOne', 'syncOne', 'pair', 'plain'] },
      (ctx) => {
        expect(disposed).toEqual([]);
        return Object.values(ctx.resources).map((v) => (v as { kind: string }).kind);
      },
    );

    const kinds = await run(async () => submit(use), { resources: set });

    // The task gets the value itself, never the { value, dispose } pair.
    expect(kinds).toEqual(['async', 'sync', 'pair', 'plain']);
    expect([...disposed].sort()).toEqual(['async', 'pair', 'sync']);
  });
});

describe('creation and disposal order', () => {
  it('creates dependencies first and disposes in reverse order of creation', async () => {
    const j = journal();
    const set = resourceSet({
      repo: j.resource('repo', ['db', 'settings']),
      cache: j.resource('cache', ['settings']),
      db: j.resource('db', ['settings']),
      settings: j.resource('settings'),
    });
    const use = task({ name: 'use', resources: ['repo', 'cache'] }, () => {
      j.entries.push('task');
    });

    await run(async () => submit(use), { resources: set });

    expect(j.entries).toEqual([
      'create settings',
      'create db',
      'create repo',
      'create cache',
      'task',
      'dispose cache',
      'dispose repo',
      'dispose db',
      'dispose settings',
    ]);
  });

  it('creates a resource at most once per run, however many tasks need it at once', async () => {
    let creations = 0;
    const set = resourceSet({
      db: resource({
        create: async () => {
          creations++;
          await sleep(2);
          return { id: creations };
        },
      }),
      repo: resource({ dependsOn: ['db'], create: ({ resources }) => ({ db: resources.db }) }),
    });
    const viaDb = task({ name: 'viaDb', resources: ['db'] }, (ctx) => ctx.resources.db);
    const viaRepo = task(
      { name: 'viaRepo', resources: ['repo'] },
      (ctx) => (ctx.resources.repo as { db: unknown }).db,
    );

    const dbs = await run(
      async () => Array.from({ length: 12 }, (_, i) => submit(i % 2 === 0 ? viaDb : viaRepo)),
      { resources: set },
    );

    expect(creations).toBe(1);
    expect(new Set(dbs).size).toBe(1);
    // Once per run, not once per process: a second run makes its own.
    const again = await run(async () => submit(viaDb), { resources: set });
    expect(creations).toBe(2);
    expect(again).not.toBe(dbs[0]);
  });

  it('disposes everything created when a task fails', async () => {
    const j = journal();
    const set = resourceSet({
      settings: j.resource('settings'),
      db: j.resource('db', ['settings']),
    });
    const boom = task({ name: 'boom', resources: ['db'] }, () => {
      throw new Error('task broke');
    });

    const error = await rejection(run(async () => submit(boom), { resources: set }));

    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toContain('task broke');
    expect(j.disposed()).toEqual(['db', 'settings']);
  });

  it('disposes everything created when main throws after using resources', async () => {
    const j = journal();
    const set = resourceSet({ db: j.resource('db') });
    const use = task({ name: 'use', resources: ['db'] }, () => 1);

    const error = await rejection(
      run(
        async () => {
          await submit(use);
          throw new Error('main broke');
        },
        { resources: set },
      ),
    );

    expect((error as Error).message).toContain('main broke');
    expect(j.disposed()).toEqual(['db']);
  });

  it('disposes everything created when the run is cancelled', async () => {
    const j = journal();
    const set = resourceSet({
      settings: j.resource('settings'),
      db: j.resource('db', ['settings']),
    });
    const started = deferred();
    const waits = task({ name: 'waits', resources: ['db'] }, async (ctx) => {
      started.resolve();
      await aborted(ctx.signal);
    });

    const handle = startRun(
      () => {
        submit(waits);
      },
      { resources: set, cancelGrace: '50ms' },
    );
    await started.promise;
    expect(j.disposed()).toEqual([]);
    handle.cancel('stop');

    expect(await rejection(handle.result())).toBeInstanceOf(RunCancelledError);
    expect(j.entries).toEqual(['create settings', 'create db', 'dispose db', 'dispose settings']);
  });

  it("aborts a create's signal when the run is cancelled while it is creating", async () => {
    const j = journal();
    const creating = deferred();
    let sawAbort = false;
    const set = resourceSet({
      settings: j.resource('settings'),
      slow: resource({
        dependsOn: ['settings'],
        create: async ({ signal }) => {
          creating.resolve();
          await aborted(signal);
          sawAbort = true;
          throw new Error('gave up');
        },
      }),
    });
    let ran = false;
    const use = task({ name: 'use', resources: ['slow'] }, () => {
      ran = true;
    });

    const handle = startRun(
      () => {
        submit(use);
      },
      { resources: set, cancelGrace: '50ms' },
    );
    await creating.promise;
    handle.cancel('stop');

    expect(await rejection(handle.result())).toBeInstanceOf(RunCancelledError);
    expect(sawAbort).toBe(true);
    expect(ran).toBe(false);
    expect(j.disposed()).toEqual(['settings']);
  });

  it('logs a disposer that throws, still disposes the others, and keeps the outcome', async () => {
    const records: LogRecord[] = [];
    const disposed: string[] = [];
    const set = resourceSet({
      first: resource({
        create: () => ({ value: 1, dispose: () => void disposed.push('first') }),
      }),
      broken: resource({
        dependsOn: ['first'],
        create: () => ({
          value: 2,
          dispose: () => {
            throw new Error('socket already closed');
          },
        }),
      }),
    });
    const use = task({ name: 'use', resources: ['broken'] }, (ctx) => ctx.resources.broken);

    const result = await run(async () => submit(use), {
      resources: set,
      logger: createLogger((r) => records.push(r)),
    });

    expect(result).toBe(2);
    expect(disposed).toEqual(['first']);
    const record = records.find((r) => r.level === 'error');
    expect(record?.message).toBe('resource "broken" could not be disposed');
    expect(record?.fields).toMatchObject({ error: { message: 'socket already closed' } });
  });
});

describe('lazy creation', () => {
  it('creates only the resources that the submitted tasks need, and their dependencies', async () => {
    const j = journal();
    const set = resourceSet({
      settings: j.resource('settings'),
      db: j.resource('db', ['settings']),
      unused: j.resource('unused', ['settings']),
      declaredOnly: j.resource('declaredOnly'),
    });
    const use = task({ name: 'use', resources: ['db'] }, () => 'ok');
    // Defined with a resource, but never submitted.
    task({ name: 'neverSubmitted', resources: ['declaredOnly'] }, () => 'no');

    expect(await run(async () => submit(use), { resources: set })).toBe('ok');
    expect(j.created()).toEqual(['settings', 'db']);
  });

  it('creates nothing for a run whose tasks declare no resources', async () => {
    const j = journal();
    const set = resourceSet({ db: j.resource('db') });
    const plain = task('plain', () => 3);
    expect(await run(async () => submit(plain), { resources: set })).toBe(3);
    expect(j.entries).toEqual([]);
  });

  it('does not create the resources of a task that never runs because its input failed', async () => {
    const j = journal();
    const set = resourceSet({ db: j.resource('db'), report: j.resource('report') });
    const fails = task({ name: 'fails', resources: ['db'] }, (): number => {
      throw new Error('no rows');
    });
    const summarise = task({ name: 'summarise', resources: ['report'] }, (_ctx, n: number) => n);

    await rejection(run(async () => submit(summarise, submit(fails)), { resources: set }));

    expect(j.created()).toEqual(['db']);
  });

  it('retries a creation that failed when a task is retried: failures are not cached', async () => {
    let attempts = 0;
    let disposals = 0;
    const set = resourceSet({
      flaky: resource({
        create: () => {
          attempts++;
          if (attempts === 1) throw new Error('not yet');
          return { value: 'up', dispose: () => void disposals++ };
        },
      }),
    });
    let runs = 0;
    const use = task(
      { name: 'use', resources: ['flaky'], retries: 1, backoff: { initial: '1ms' } },
      (ctx) => {
        runs++;
        return ctx.resources.flaky;
      },
    );

    expect(await run(async () => submit(use), { resources: set })).toBe('up');
    expect(attempts).toBe(2);
    expect(runs).toBe(1);
    expect(disposals).toBe(1);
  });

  it("creates the engine's logger resource although no task names it, and logs through it", async () => {
    const j = journal();
    const records: LogRecord[] = [];
    const set = resourceSet({
      logger: resource({
        create: () => {
          j.entries.push('create logger');
          return createLogger((r) => records.push(r));
        },
      }),
      unused: j.resource('unused'),
    });
    const greet = task('greet', (ctx) => ctx.log.info('hello from a task'));

    await run(async () => submit(greet), { resources: set });

    expect(j.created()).toEqual(['logger']);
    expect(records).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'hello from a task',
        fields: expect.objectContaining({ task: 'greet#0', taskId: 0 }),
      }),
    );
  });

  it("hands a task the engine's own resources when it declares them", async () => {
    const records: LogRecord[] = [];
    const set = resourceSet({
      logger: resource({ create: () => createLogger((r) => records.push(r)) }),
    });
    const direct = task({ name: 'direct', resources: ['logger'] }, (ctx) => {
      const logger = ctx.resources.logger as { info(m: string): void } | undefined;
      logger?.info('straight to the logger');
      return logger !== undefined;
    });

    expect(await run(async () => submit(direct), { resources: set })).toBe(true);
    expect(records.map((r) => r.message)).toContain('straight to the logger');
  });
});
