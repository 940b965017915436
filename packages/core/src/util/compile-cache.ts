/**
 * @module
 * Where weft keeps Node's compile cache (the V8 code of the modules a
 * process loads, and since Node 24 the JavaScript that type stripping made
 * of a .ts module), so that a later `weft` command, worker process or
 * thread compiles and strips nothing that has not changed (what it saves
 * `weft run`: `bench/cli-start.ts`).
 *
 * The cache holds code that later processes run, so it lives in a
 * directory of the user's own: `$XDG_CACHE_HOME/weft/node-compile-cache`
 * (else `~/.cache/weft/...`), made with mode 0700, and used only while it
 * and its `weft` parent are real directories owned by this user that no one
 * else can write to. Otherwise (or without a home) there is no cache, and
 * start-up is only slower. `NODE_COMPILE_CACHE` set by the user wins, and
 * `NODE_DISABLE_COMPILE_CACHE` turns the cache off, as Node documents.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { enableCompileCache, getCompileCacheDir } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** weft's compile cache directory for this user, made if missing; undefined when it is not safe. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  let base = env.XDG_CACHE_HOME;
  if (base === undefined || base === '') {
    let home: string;
    try {
      home = homedir();
    } catch {
      return undefined;
    }
    if (home === '') return undefined;
    base = join(home, '.cache');
  }
  const parent = join(base, 'weft');
  const dir = join(parent, 'node-compile-cache');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  return ownDirectory(parent) && ownDirectory(dir) ? dir : undefined;
}

/** A real directory (not a link to one) of this user's that only this user can write to. */
function ownDirectory(path: string): boolean {
  try {
    const s = lstatSync(path);
    if (!s.isDirectory()) return false;
    if ((s.mode & 0o022) !== 0) return false;
    const uid = process.getuid?.();
    return uid === undefined || s.uid === uid;
  } catch {
    return false;
  }
}

/**
 * The directory a worker process should be given as `NODE_COMPILE_CACHE`:
 * the user's own setting, else weft's (undefined: none).
 */
export function workerCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env.NODE_COMPILE_CACHE;
  if (own !== undefined && own !== '') return own;
  return compileCacheDir(env);
}

/**
 * Turns Node's compile cache on for this process (and its worker threads
 * that call it too) in weft's directory, unless it is on already, off by
 * the user's choice, or unavailable in this Node. Returns the directory in
 * use, if any.
 */
export function useCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (typeof enableCompileCache !== 'function') return undefined;
  const current = getCompileCacheDir();
  if (current !== undefined) return current;
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined && env.NODE_DISABLE_COMPILE_CACHE !== '') {
    return undefined;
  }
  const dir = workerCompileCache(env);
  if (dir === undefined) return undefined;
  enableCompileCache(dir);
  return getCompileCacheDir();
}
