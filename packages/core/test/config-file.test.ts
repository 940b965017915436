/**
 * `weft.config.ts`: found from `cwd` upward, its modes chosen by the `mode`
 * option or `WEFT_MODE`, its config the lowest config source, and clear
 * errors for a missing file, an unknown mode or a malformed file. The files
 * are written to temporary directories and import the built package by
 * absolute path, so their definitions come from another copy of weft than
 * the run's: the brand checks must work across copies.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigFileError,
  defineConfig,
  findConfigFile,
  type RunOptions,
  resource,
  resourceSet,
  run,
  submit,
  task,
} from '@weft/core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import * as dist from '../dist/index.js';
import { selectMode } from '../src/config/load-config.js';
import { deferred, probe, rejection, sleep } from './helpers.ts';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const roots: string[] = [];

/** A fresh directory holding `files` (relative path to content); returns its path. */
function project(files: Readonly<Record<string, string>> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'weft-config-test-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** A config file with modes dev and prod, each with a `store` naming its mode and config. */
function modesFile(extra = ''): string {
  return `
import { defineConfig, inline, resource, resourceSet } from ${JSON.stringify(DIST)};

const store = (mode: string) =>
  resource({
    create: ({ config }) => {
      const c = config as { label: string; suffix: string };
      return [mode, c.label, c.suffix].join(':');
    },
  });

export default defineConfig({
  modes: {
    dev: resourceSet({ store: store('dev') }),
    prod: resourceSet({ executor: inline({ concurrency: 1 }), store: store('prod') }),
  },
  defaultMode: 'dev',
  config: { store: { label: 'file', suffix: 'f' } },
  ${extra}
});
`;
}

const readStore = task({ name: 'readStore', resources: ['store'] }, (ctx) => ctx.resources.store);

/** What readStore returns in a run with `options`. */
async function storeIn(options: RunOptions): Promise<unknown> {
  return run(async () => submit(readStore), options);
}

/** The most tasks that ran at once among 4 submitted together. */
async function maxConcurrency(options: RunOptions): Promise<number> {
  const p = probe();
  const allIn = deferred();
  const busy = task('busy', async () => {
    p.enter();
    if (p.now === 4) allIn.resolve();
    await Promise.race([allIn.promise, sleep(5)]);
    p.leave();
  });
  await run(() => {
    for (let i = 0; i < 4; i++) submit(busy);
  }, options);
  return p.max;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('finding and using weft.config.ts', () => {
  it('finds the file upward from cwd and runs under the mode asked for', async () => {
    const root = project({ 'weft.config.ts': modesFile(), 'src/jobs/.keep': '' });
    const cwd = join(root, 'src', 'jobs');

    expect(await storeIn({ mode: 'dev', cwd })).toBe('dev:file:f');
    expect(await storeIn({ mode: 'prod', cwd })).toBe('prod:file:f');
  });

  it("uses the mode's executor, made by the other copy of weft", async () => {
    const cwd = project({ 'weft.config.ts': modesFile() });
    expect(await maxConcurrency({ mode: 'prod', cwd })).toBe(1);
    expect(await maxConcurrency({ mode: 'dev', cwd })).toBe(4);
  });

  it("attributes a task's submits to it under the mode's executor made by the other copy", async () => {
    // Unlimited, so that a wrongly attributed wait cannot deadlock the test.
    const cwd = project({ 'weft.config.ts': modesFile('executor: inline(),') });
    const child = task('child', (_ctx, n: number) => n * 2);
    const parent = task('parent', async () => submit(child, 21));
    const submitted: { name: string; taskId: number; parentId: number }[] = [];

    const result = await run(async () => submit(parent), {
      mode: 'dev',
      cwd,
      onEvent: (e) => {
        if (e.type === 'submitted') submitted.push(e);
      },
    });

    expect(result).toBe(42);
    const parentId = submitted.find((e) => e.name === 'parent')?.taskId;
    expect(submitted.find((e) => e.name === 'child')?.parentId).toBe(parentId);
  });

  it('chooses the mode from WEFT_MODE, and the mode option over WEFT_MODE', async () => {
    const cwd = project({ 'weft.config.ts': modesFile() });
    vi.stubEnv('WEFT_MODE', 'prod');
    expect(await storeIn({ cwd })).toBe('prod:file:f');
    expect(await storeIn({ mode: 'dev', cwd })).toBe('dev:file:f');
  });

  it("ranks the file's config below the config option and overrides", async () => {
    const cwd = project({ 'weft.config.ts': modesFile() });
    expect(await storeIn({ mode: 'dev', cwd, config: { store: { label: 'option' } } })).toBe(
      'dev:option:f',
    );
    vi.stubEnv('WEFT__store__label', 'env');
    expect(
      await storeIn({
        mode: 'dev',
        cwd,
        config: { store: { label: 'option' } },
        set: { 'store.suffix': 'set' },
      }),
    ).toBe('dev:env:set');
  });

  it('takes the nearest file when there are several above cwd', async () => {
    const root = project({
      'weft.config.ts': modesFile(),
      'inner/weft.config.ts': modesFile().replace("label: 'file'", "label: 'inner'"),
      'inner/deeper/.keep': '',
    });
    const cwd = join(root, 'inner', 'deeper');
    expect(findConfigFile(cwd)).toBe(join(root, 'inner', 'weft.config.ts'));
    expect(await storeIn({ mode: 'dev', cwd })).toBe('dev:inner:f');
  });

  it("lets the file's executor override its modes', and the executor option override both", async () => {
    const cwd = project({
      'weft.config.ts': modesFile("executor: { kind: 'inline', concurrency: 2 },"),
    });
    expect(await maxConcurrency({ mode: 'dev', cwd })).toBe(2);
    expect(await maxConcurrency({ mode: 'prod', cwd })).toBe(2);
    expect(await maxConcurrency({ mode: 'prod', cwd, executor: 'inline' })).toBe(4);
  });

  it('does not look for a file when the run is given its resources, even with WEFT_MODE set', async () => {
    const cwd = project();
    vi.stubEnv('WEFT_MODE', 'prod');
    const set = resourceSet({ store: resource({ create: () => 'given' }) });
    expect(await storeIn({ resources: set, cwd })).toBe('given');
  });
});

describe('config file errors', () => {
  async function failure(options: RunOptions): Promise<{ error: Error; mainRan: boolean }> {
    let mainRan = false;
    const error = await rejection(
      run(() => {
        mainRan = true;
      }, options),
    );
    return { error: error as Error, mainRan };
  }

  it('names the mode and the directory when no file is found', async () => {
    const cwd = project();
    expect(findConfigFile(cwd)).toBeUndefined();

    const { error, mainRan } = await failure({ mode: 'dev', cwd });
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as ConfigFileError).code).toBe('WEFT_CONFIG_FILE');
    expect(error.message).toBe(
      `mode "dev" was asked for, but no weft.config.ts was found from ${cwd} upward`,
    );
    expect(mainRan).toBe(false);

    vi.stubEnv('WEFT_MODE', 'prod');
    expect((await failure({ cwd })).error.message).toBe(
      `mode "prod" was asked for, but no weft.config.ts was found from ${cwd} upward`,
    );
  });

  it('names an unknown mode and lists the modes there are', async () => {
    const cwd = project({ 'weft.config.ts': modesFile() });
    const { error, mainRan } = await failure({ mode: 'staging', cwd });
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error.message).toBe(
      `mode "staging" is not defined in ${join(cwd, 'weft.config.ts')} (modes: dev, prod)`,
    );
    expect(mainRan).toBe(false);
  });

  it('says how to fix a file without a default export', async () => {
    const cwd = project({
      'weft.config.ts': modesFile().replace(
        'export default defineConfig(',
        'export const c = defineConfig(',
      ),
    });
    const { error, mainRan } = await failure({ mode: 'dev', cwd });
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error.message).toBe(
      `${join(cwd, 'weft.config.ts')} has no default export; write export default defineConfig({ modes: {...} })`,
    );
    expect(mainRan).toBe(false);
  });

  it('names the file and the mode when a default export has a mode that is not a set', async () => {
    const cwd = project({ 'weft.config.mjs': 'export default { modes: { dev: { store: 1 } } };' });
    const { error } = await failure({ mode: 'dev', cwd });
    expect(error.message).toBe(
      `${join(cwd, 'weft.config.mjs')}: mode "dev" is not a resource set; make it with resourceSet({...})`,
    );
  });

  it('names the file and the cause when loading it throws', async () => {
    const cwd = project({ 'weft.config.js': "throw new Error('bad import');" });
    const { error } = await failure({ mode: 'dev', cwd });
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error.message).toBe(`could not load ${join(cwd, 'weft.config.js')}: bad import`);
    expect((error.cause as Error).message).toBe('bad import');
  });
});

describe('defineConfig() and modes', () => {
  const dev = resourceSet({ store: resource({ create: () => 'dev' }) });
  const prod = resourceSet({ store: resource({ create: () => 'prod' }) });

  it('accepts resource sets made by another copy of weft, and its copy accepts ours', () => {
    const theirs = dist.resourceSet({ store: dist.resource({ create: () => 'x' }) });
    expect(() => defineConfig({ modes: { theirs } })).not.toThrow();
    expect(() => dist.defineConfig({ modes: { dev } })).not.toThrow();
    expect(() => resourceSet({ store: dist.resource({ create: () => 'x' }) })).not.toThrow();
  });

  it('rejects a defaultMode that is not among the modes, and a mode that is not a set', () => {
    expect(() => defineConfig({ modes: { dev, prod }, defaultMode: 'test' })).toThrow(
      'defaultMode "test" is not among the modes (dev, prod)',
    );
    expect(() => defineConfig({ modes: { dev: {} as never } })).toThrow(
      'mode "dev" is not a resource set; make it with resourceSet({...})',
    );
    expect(() => defineConfig({} as never)).toThrow('defineConfig() expects { modes:');
  });

  it('chooses the mode option, else WEFT_MODE, else the default mode', () => {
    const config = defineConfig({ modes: { dev, prod }, defaultMode: 'dev' });
    expect(selectMode(config, 'weft.config.ts', undefined)).toEqual({ name: 'dev', set: dev });
    vi.stubEnv('WEFT_MODE', 'prod');
    expect(selectMode(config, 'weft.config.ts', undefined).set).toBe(prod);
    expect(selectMode(config, 'weft.config.ts', 'dev').set).toBe(dev);
  });

  it('asks for a mode when there is no default and none was chosen', () => {
    expect(() =>
      selectMode(defineConfig({ modes: { dev, prod } }), 'weft.config.ts', undefined),
    ).toThrow(
      'weft.config.ts has no defaultMode; choose a mode with the mode option or WEFT_MODE (modes: dev, prod)',
    );
  });
});
