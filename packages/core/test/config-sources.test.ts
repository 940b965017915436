/**
 * Where config values come from and which wins: the config file, the
 * `config` run option, the environment (`WEFT_CONFIG`, `WEFT__db__url`) and
 * explicit overrides (`set: { 'db.url': ... }`), lowest first. Tested on
 * `mergeConfig` itself and end to end through `run()`.
 */

import { ConfigFileError, resource, resourceSet, run, submit, task } from '@weft/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { mergeConfig } from '../src/config/sources.js';
import { thrown } from './helpers.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('mergeConfig()', () => {
  it('lets each source win over the ones before it: file, options, WEFT_CONFIG, WEFT__, overrides', () => {
    const merged = mergeConfig({
      file: { db: { url: 'file', a: 'file', b: 'file', c: 'file', d: 'file' } },
      options: { db: { a: 'options', b: 'options', c: 'options', d: 'options' } },
      env: {
        WEFT_CONFIG: JSON.stringify({
          db: { b: 'WEFT_CONFIG', c: 'WEFT_CONFIG', d: 'WEFT_CONFIG' },
        }),
        WEFT__db__c: 'WEFT__',
        WEFT__db__d: 'WEFT__',
      },
      overrides: { 'db.d': 'set' },
    });
    expect(merged).toEqual({
      db: { url: 'file', a: 'options', b: 'WEFT_CONFIG', c: 'WEFT__', d: 'set' },
    });
  });

  it('merges nested objects key by key, and replaces arrays and scalars whole', () => {
    const merged = mergeConfig({
      file: { db: { pool: { min: 1, max: 4 }, hosts: ['a', 'b'] }, cache: { ttl: 5 } },
      options: { db: { pool: { max: 8 }, hosts: ['c'] } },
    });
    expect(merged).toEqual({
      db: { pool: { min: 1, max: 8 }, hosts: ['c'] },
      cache: { ttl: 5 },
    });
  });

  it('parses values from the environment and overrides as JSON when they are JSON', () => {
    const merged = mergeConfig({
      env: {
        WEFT__db__pool: '8',
        WEFT__db__ssl: 'true',
        WEFT__db__url: 'postgres://db.internal/app',
        WEFT__db__opts: '{"timeout":30}',
        WEFT__db__name: '"007"',
        WEFT__db__deep__er: 'null',
      },
      overrides: {
        'cache.ttl': '60',
        'cache.hosts': '["a","b"]',
        'cache.label': 'not json',
        'cache.raw': { kept: 'as is' },
      },
    });
    expect(merged).toEqual({
      db: {
        pool: 8,
        ssl: true,
        url: 'postgres://db.internal/app',
        opts: { timeout: 30 },
        name: '007',
        deep: { er: null },
      },
      cache: { ttl: 60, hosts: ['a', 'b'], label: 'not json', raw: { kept: 'as is' } },
    });
  });

  it('sets one value by path without dropping its siblings from lower sources', () => {
    const merged = mergeConfig({
      file: { db: { url: 'file', pool: 2 } },
      overrides: { 'db.url': 'set' },
      env: { WEFT__db__opts__timeout: '5' },
    });
    expect(merged).toEqual({ db: { url: 'set', pool: 2, opts: { timeout: 5 } } });
  });

  it('ignores other environment variables, and an empty WEFT_CONFIG', () => {
    expect(
      mergeConfig({
        env: { WEFT_MODE: 'prod', PATH: '/bin', WEFT_CONFIG: '', weft__db__url: 'x' },
      }),
    ).toEqual({});
  });

  it('does not change the trees it was given', () => {
    const file = { db: { url: 'file', pool: { max: 2 } } };
    const options = { db: { pool: { max: 4 } } };
    const merged = mergeConfig({ file, options, overrides: { 'db.pool.max': 9, 'db.url': 'x' } });
    expect(merged).toEqual({ db: { url: 'x', pool: { max: 9 } } });
    expect(file).toEqual({ db: { url: 'file', pool: { max: 2 } } });
    expect(options).toEqual({ db: { pool: { max: 4 } } });
  });

  it('rejects a WEFT_CONFIG that is not a JSON object, without echoing it', () => {
    const notJson = thrown(() => mergeConfig({ env: { WEFT_CONFIG: '{db: hunter2}' } }));
    expect(notJson).toBeInstanceOf(ConfigFileError);
    expect((notJson as Error).message).toBe(
      'WEFT_CONFIG is not valid JSON (expected an object keyed by resource name)',
    );
    for (const raw of ['[1,2]', '"text"', 'null', '3']) {
      expect((thrown(() => mergeConfig({ env: { WEFT_CONFIG: raw } })) as Error).message).toBe(
        'WEFT_CONFIG must be a JSON object keyed by resource name',
      );
    }
  });

  it('rejects an override path with an empty or reserved segment', () => {
    expect((thrown(() => mergeConfig({ overrides: { 'db..url': 'x' } })) as Error).message).toBe(
      'config override "db..url" needs a path like resource.key',
    );
    for (const [path, key] of [
      ['__proto__.polluted', '__proto__'],
      ['db.constructor.x', 'constructor'],
      ['db.prototype', 'prototype'],
    ]) {
      expect((thrown(() => mergeConfig({ overrides: { [path!]: 'x' } })) as Error).message).toBe(
        `config override "${path}" uses the reserved key "${key}"`,
      );
    }
    expect(
      (thrown(() => mergeConfig({ env: { WEFT__db__constructor: '1' } })) as Error).message,
    ).toContain('reserved key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('config sources in a run', () => {
  const seen: unknown[] = [];
  const set = resourceSet({
    db: resource({
      config: z.object({
        url: z.string(),
        pool: z.number(),
        ssl: z.boolean(),
        name: z.string(),
        region: z.string(),
      }),
      create: ({ config }) => {
        seen.push(config);
        return config;
      },
    }),
  });
  const useDb = task({ name: 'useDb', resources: ['db'] }, (ctx) => ctx.resources.db);

  it('merges the config option, the environment and overrides, and validates the result', async () => {
    seen.length = 0;
    vi.stubEnv(
      'WEFT_CONFIG',
      JSON.stringify({ db: { url: 'from-WEFT_CONFIG', pool: 2, name: 'from-WEFT_CONFIG' } }),
    );
    vi.stubEnv('WEFT__db__pool', '16');
    vi.stubEnv('WEFT__db__ssl', 'true');

    const config = await run(async () => submit(useDb), {
      resources: set,
      config: { db: { url: 'from-option', pool: 1, ssl: false, name: 'opt', region: 'eu' } },
      set: { 'db.url': 'from-set', 'db.name': '"42"' },
    });

    expect(config).toEqual({ url: 'from-set', pool: 16, ssl: true, name: '42', region: 'eu' });
    expect(seen).toHaveLength(1);
  });

  it('reads the environment afresh for each run', async () => {
    const base = { url: 'u', pool: 1, ssl: false, name: 'n', region: 'eu' };
    vi.stubEnv('WEFT__db__region', 'us');
    expect(await run(async () => submit(useDb), { resources: set, config: { db: base } })).toEqual({
      ...base,
      region: 'us',
    });
    vi.unstubAllEnvs();
    expect(await run(async () => submit(useDb), { resources: set, config: { db: base } })).toEqual(
      base,
    );
  });

  it('fails the run before main on a WEFT_CONFIG that is not JSON', async () => {
    vi.stubEnv('WEFT_CONFIG', 'db.url=x');
    let mainRan = false;
    await expect(
      run(
        () => {
          mainRan = true;
        },
        { resources: set },
      ),
    ).rejects.toThrow('WEFT_CONFIG is not valid JSON');
    expect(mainRan).toBe(false);
  });
});
