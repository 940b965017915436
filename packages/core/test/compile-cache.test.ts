/**
 * weft's compile cache directory: made private (0700) under
 * $XDG_CACHE_HOME/weft, and refused when someone else could have put code
 * in it (a directory others can write to, a planted link, another owner);
 * the `weft` command fills it, and leaves alone a refused one or one the
 * user turned off; worker processes and threads use it.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesExecutor, run, submit, threadsExecutor } from '@weft/core';
import { afterEach, describe, expect, it } from 'vitest';
import { compileCacheDir, workerCompileCache } from '../src/util/compile-cache.js';
import { BIN, cleanEnv } from './fixtures/cli/harness.ts';
import { compileCache } from './fixtures/parallel-tasks.ts';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function base(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-ccache-'));
  made.push(dir);
  return dir;
}

/** Files under `dir`, at any depth (none when it does not exist). */
function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

function weft(xdg: string, extra: Record<string, string> = {}) {
  const env = cleanEnv({ XDG_CACHE_HOME: xdg, ...extra });
  if (extra.NODE_COMPILE_CACHE === undefined) delete env.NODE_COMPILE_CACHE;
  if (extra.NODE_DISABLE_COMPILE_CACHE === undefined) delete env.NODE_DISABLE_COMPILE_CACHE;
  return spawnSync(process.execPath, [BIN, '--help'], { env, encoding: 'utf8' });
}

describe('compileCacheDir', () => {
  it('makes a directory only its user can enter, under XDG_CACHE_HOME', () => {
    const b = base();
    const dir = compileCacheDir({ XDG_CACHE_HOME: b });
    expect(dir).toBe(join(b, 'weft', 'node-compile-cache'));
    expect(lstatSync(dir!).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(b, 'weft')).mode & 0o777).toBe(0o700);
  });

  it('uses ~/.cache without XDG_CACHE_HOME', () => {
    const home = base();
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      expect(compileCacheDir({})).toBe(join(home, '.cache', 'weft', 'node-compile-cache'));
    } finally {
      process.env.HOME = saved;
    }
  });

  it('refuses a cache directory that others can write to', () => {
    const b = base();
    const dir = join(b, 'weft', 'node-compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o777);
    expect(compileCacheDir({ XDG_CACHE_HOME: b })).toBeUndefined();
    chmodSync(dir, 0o770);
    expect(compileCacheDir({ XDG_CACHE_HOME: b })).toBeUndefined();
  });

  it('refuses a weft directory that others can write to (they could swap the cache)', () => {
    const b = base();
    mkdirSync(join(b, 'weft', 'node-compile-cache'), { recursive: true, mode: 0o700 });
    chmodSync(join(b, 'weft'), 0o777);
    expect(compileCacheDir({ XDG_CACHE_HOME: b })).toBeUndefined();
  });

  it('refuses a link planted where the cache directory goes, even to a private directory', () => {
    const b = base();
    const elsewhere = join(b, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    mkdirSync(join(b, 'weft'), { mode: 0o700 });
    symlinkSync(elsewhere, join(b, 'weft', 'node-compile-cache'));
    expect(compileCacheDir({ XDG_CACHE_HOME: b })).toBeUndefined();
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a cache directory another user owns', () => {
    const b = base();
    const dir = join(b, 'weft', 'node-compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownSync(dir, 65534, 65534);
    expect(compileCacheDir({ XDG_CACHE_HOME: b })).toBeUndefined();
  });

  it("gives workers the user's NODE_COMPILE_CACHE when set, else its own", () => {
    const b = base();
    expect(workerCompileCache({ XDG_CACHE_HOME: b, NODE_COMPILE_CACHE: '/mine' })).toBe('/mine');
    expect(workerCompileCache({ XDG_CACHE_HOME: b })).toBe(join(b, 'weft', 'node-compile-cache'));
  });
});

describe('the weft command', () => {
  it('fills its compile cache', () => {
    const b = base();
    const r = weft(b);
    expect(r.status, r.stderr).toBe(0);
    expect(filesIn(join(b, 'weft', 'node-compile-cache')).length).toBeGreaterThan(10);
  });

  it('writes nothing into a cache directory others can write to', () => {
    const b = base();
    const dir = join(b, 'weft', 'node-compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o777);
    const r = weft(b);
    expect(r.status, r.stderr).toBe(0);
    expect(filesIn(dir)).toEqual([]);
  });

  it('keeps no cache when the user turned it off', () => {
    const b = base();
    const r = weft(b, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.status, r.stderr).toBe(0);
    expect(filesIn(join(b, 'weft', 'node-compile-cache'))).toEqual([]);
  });

  it("uses the user's NODE_COMPILE_CACHE instead of its own", () => {
    const b = base();
    const mine = join(b, 'mine');
    const r = weft(b, { NODE_COMPILE_CACHE: mine });
    expect(r.status, r.stderr).toBe(0);
    expect(filesIn(mine).length).toBeGreaterThan(10);
    expect(filesIn(join(b, 'weft', 'node-compile-cache'))).toEqual([]);
  });
});

describe.each(['processes', 'threads'] as const)('%s workers', (kind) => {
  it.skipIf(process.env.NODE_DISABLE_COMPILE_CACHE !== undefined)(
    "use the user's compile cache directory, else weft's",
    async () => {
      const preload = [new URL('./fixtures/parallel-tasks.ts', import.meta.url)];
      const executor =
        kind === 'processes'
          ? processesExecutor({ max: 1, preload })
          : threadsExecutor({ max: 1, preload });
      try {
        const seen = await run(() => submit(compileCache), { executor, record: false });
        const expected = workerCompileCache();
        expect(expected).toBeDefined();
        // Node keeps its entries in a directory per Node version inside.
        expect(seen.used).toMatch(new RegExp(`^${expected}/[^/]+$`));
        if (kind === 'processes') expect(seen.env).toBe(expected);
      } finally {
        await executor[Symbol.asyncDispose]();
      }
    },
  );
});
