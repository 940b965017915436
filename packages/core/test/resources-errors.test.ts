/**
 * How a run fails over its resources: a missing resource, a config that
 * fails its schema (zod and valibot), a `create` that throws, a resource
 * that cannot follow a task to another process. Problems with the set fail
 * the run before any task runs; none ever shows a config value (a secret).
 */

import {
  ConfigError,
  createLogger,
  type Executor,
  type LogRecord,
  MissingResourceError,
  NotProcessSafeError,
  ResourceCreateError,
  type ResourceSet,
  type RunEvent,
  RunFailedError,
  resource,
  resourceSet,
  run,
  serializeError,
  submit,
  task,
} from '@weft/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rejection, thrown } from './helpers.ts';

/** Runs `main` over `set`, noting whether main ran at all. */
async function attempt(
  set: ResourceSet,
  options: { config?: Record<string, unknown>; set?: Record<string, unknown> } = {},
  main: () => unknown = () => {},
) {
  let mainRan = false;
  const records: LogRecord[] = [];
  const events: RunEvent[] = [];
  const error = await rejection(
    run(
      () => {
        mainRan = true;
        return main();
      },
      {
        resources: set,
        ...options,
        logger: createLogger((r) => records.push(r)),
        onEvent: (e) => events.push(e),
      },
    ),
  );
  return { error: error as Error, mainRan, records, events };
}

describe('a missing resource', () => {
  it("fails the run before main when a resource's dependsOn names one the set lacks", async () => {
    let created = false;
    const set = resourceSet({
      repo: resource({
        dependsOn: ['db'],
        create: () => {
          created = true;
          return 1;
        },
      }),
    });

    const { error, mainRan } = await attempt(set);

    expect(error).toBeInstanceOf(MissingResourceError);
    expect((error as MissingResourceError).resource).toBe('db');
    expect(error.message).toContain(
      'resource "repo" needs resource "db", which this resource set lacks',
    );
    expect(error.message).toMatch(/\(it has: [^)]*\brepo\b/);
    expect(mainRan).toBe(false);
    expect(created).toBe(false);
  });

  it('fails the submit of a task that declares a resource the set lacks, naming both', async () => {
    let ran = false;
    const needsCache = task({ name: 'needsCache', resources: ['db', 'cache'] }, () => {
      ran = true;
    });
    const set = resourceSet({ db: resource({ create: () => 1 }) });

    const error = await run(async () => thrown(() => submit(needsCache)), { resources: set });

    expect(error).toBeInstanceOf(MissingResourceError);
    expect((error as MissingResourceError).resource).toBe('cache');
    expect((error as Error).message).toContain(
      'task needsCache needs resource "cache", which this resource set lacks',
    );
    expect(ran).toBe(false);
  });

  it('fails such a submit also in a run without any resource set', async () => {
    const needsDb = task({ name: 'needsDb', resources: ['db'] }, () => 1);
    const error = await rejection(run(async () => submit(needsDb)));
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toContain('task needsDb needs resource "db"');
  });
});

describe('a config that fails its schema', () => {
  const schemas = {
    zod: z.object({ url: z.string(), pool: z.number().int(), hosts: z.array(z.string()) }),
    valibot: v.object({
      url: v.string(),
      pool: v.pipe(v.number(), v.integer()),
      hosts: v.array(v.string()),
    }),
  };

  for (const [library, schema] of Object.entries(schemas)) {
    it(`fails the run before main, naming the resource and each bad path (${library})`, async () => {
      let created = false;
      const set = resourceSet({
        db: resource({
          config: schema,
          create: () => {
            created = true;
            return 1;
          },
        }),
      });

      const { error, mainRan } = await attempt(set, {
        config: { db: { url: 'sqlite:ok', pool: 'ten', hosts: ['a', 7] } },
      });

      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('WEFT_CONFIG');
      expect((error as ConfigError).resource).toBe('db');
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['db.pool', 'db.hosts[1]']);
      expect(error.message).toMatch(
        /^invalid config for resource "db":\n {2}- db\.pool: .+\n {2}- db\.hosts\[1\]: .+$/,
      );
      expect(error.message).not.toContain('db.url');
      expect(mainRan).toBe(false);
      expect(created).toBe(false);
    });
  }

  it('fails the run even when no task would use the resource', async () => {
    const set = resourceSet({
      idle: resource({ config: z.object({ port: z.number() }), create: () => 1 }),
    });
    const { error, mainRan } = await attempt(set);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['idle']);
    expect(mainRan).toBe(false);
  });

  const SECRET = 'pg-pass-7f3a9c-DO-NOT-LOG';

  for (const [library, schema] of Object.entries(schemas)) {
    it(`never shows the bad value in the error, its serialized form, logs or events (${library})`, async () => {
      const set = resourceSet({ db: resource({ config: schema, create: () => 1 }) });

      for (const options of [
        { config: { db: { url: 'sqlite:ok', pool: SECRET, hosts: [SECRET] } } },
        { config: { db: { url: 'sqlite:ok', pool: 1, hosts: [] } }, set: { 'db.pool': SECRET } },
      ]) {
        const { error, records, events } = await attempt(set, options);

        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).toContain('db.pool');
        expect(error.message).not.toContain(SECRET);
        expect(JSON.stringify(serializeError(error))).not.toContain(SECRET);
        expect(JSON.stringify(records)).not.toContain(SECRET);
        expect(JSON.stringify(events)).not.toContain(SECRET);
      }
    });
  }
});

describe('a create that throws', () => {
  it('fails the run naming the resource, and disposes what was created before it', async () => {
    const disposed: string[] = [];
    let ran = false;
    const set = resourceSet({
      db: resource({ create: () => ({ value: 'db', dispose: () => void disposed.push('db') }) }),
      repo: resource({
        dependsOn: ['db'],
        create: () => {
          throw new Error('connection refused');
        },
      }),
    });
    const use = task({ name: 'use', resources: ['repo'] }, () => {
      ran = true;
    });

    const { error } = await attempt(set, {}, () => submit(use));

    expect(error).toBeInstanceOf(RunFailedError);
    expect(error.message).toContain('resource "repo" could not be created: connection refused');
    const failure = (error as RunFailedError).failures[0];
    expect(failure?.name).toBe('use');
    expect(failure?.error.code).toBe('WEFT_RESOURCE_CREATE');
    expect(ran).toBe(false);
    expect(disposed).toEqual(['db']);
  });

  it("fails before main when an engine resource's create throws, disposing its dependencies", async () => {
    const disposed: string[] = [];
    const cause = new Error('log collector unreachable');
    const set = resourceSet({
      sink: resource({
        create: () => ({ value: 'sink', dispose: () => void disposed.push('sink') }),
      }),
      logger: resource({
        dependsOn: ['sink'],
        create: () => {
          throw cause;
        },
      }),
    });

    const { error, mainRan } = await attempt(set);

    expect(error).toBeInstanceOf(ResourceCreateError);
    expect((error as ResourceCreateError).resource).toBe('logger');
    expect(error.message).toBe('resource "logger" could not be created: log collector unreachable');
    expect(error.cause).toBe(cause);
    expect(mainRan).toBe(false);
    expect(disposed).toEqual(['sink']);
  });
});

/**
 * A real executor that says its tasks run outside this process (`remote`)
 * but runs them here: it exercises the rule that decides which resources
 * may follow a task, without a worker pool.
 */
function remoteInProcess(): Executor {
  return {
    name: 'remote-in-process',
    remote: true,
    capacity: { slots: Number.POSITIVE_INFINITY, resources: {} },
    run: async (invocation) => invocation.task.fn(invocation, ...invocation.args),
    async [Symbol.asyncDispose]() {},
  };
}

describe('resources that cannot follow a task to another process', () => {
  const memory = () => {
    let created = false;
    const def = resource({
      processSafe: false,
      create: () => {
        created = true;
        return new Map<string, number>();
      },
    });
    return { def, created: () => created };
  };

  it('fail the submit under a remote executor, naming the resource, the task and the executor', async () => {
    const mem = memory();
    let ran = false;
    const useMemory = task({ name: 'useMemory', resources: ['memory'] }, () => {
      ran = true;
    });

    const error = await run(async () => thrown(() => submit(useMemory)), {
      resources: resourceSet({ memory: mem.def }),
      executor: remoteInProcess(),
    });

    expect(error).toBeInstanceOf(NotProcessSafeError);
    expect((error as NotProcessSafeError).resource).toBe('memory');
    expect((error as Error).message).toContain('task useMemory needs resource "memory"');
    expect((error as Error).message).toContain('executor "remote-in-process"');
    expect(ran).toBe(false);
    expect(mem.created()).toBe(false);
  });

  it('fail the submit when a resource the task needs depends on one', async () => {
    const mem = memory();
    const useRepo = task({ name: 'useRepo', resources: ['repo'] }, () => 1);
    const set = resourceSet({
      memory: mem.def,
      repo: resource({ dependsOn: ['memory'], create: ({ resources }) => resources.memory }),
    });

    const error = await run(async () => thrown(() => submit(useRepo)), {
      resources: set,
      executor: remoteInProcess(),
    });

    expect(error).toBeInstanceOf(NotProcessSafeError);
    expect((error as Error).message).toContain('resource "memory"');
    expect((error as Error).message).toContain('task useRepo');
    expect(mem.created()).toBe(false);
  });

  it('are fine in-process; remotely, a set given directly cannot reach the workers', async () => {
    const set = resourceSet({
      memory: memory().def,
      url: resource({ create: () => 'sqlite:x' }),
      perWorker: resource({ scope: 'worker', processSafe: false, create: () => 'local' }),
    });
    const useMemory = task(
      { name: 'useMemory', resources: ['memory'] },
      (ctx) => ctx.resources.memory instanceof Map,
    );
    const useSafe = task({ name: 'useSafe', resources: ['url', 'perWorker'] }, (ctx) => ({
      ...ctx.resources,
    }));

    expect(await run(async () => submit(useMemory), { resources: set })).toBe(true);
    // Process-safe and per-worker resources pass the process-safety check, but
    // workers rebuild resources from a mode of weft.config.ts (examples/modes
    // covers that path): a set given directly is refused, saying what to do.
    await expect(
      run(async () => submit(useSafe), { resources: set, executor: remoteInProcess() }),
    ).rejects.toThrow(
      /task useSafe needs resources, and executor "remote-in-process" runs tasks in workers.*mode/s,
    );
  });
});
