/**
 * @module
 * The project root: the directory task modules are named relative to, on
 * the coordinator and on every worker, so that machines with the project at
 * different paths agree. It is the directory of the nearest `weft.config.ts`
 * (as for the run store), else of the nearest `package.json`, else the
 * working directory.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { findConfigFile } from '@weft/core';

/** The project root of `cwd`, symlinks resolved. */
export function projectRoot(cwd: string): string {
  const config = findConfigFile(cwd);
  if (config !== undefined) return realpathSync(dirname(config));
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return realpathSync(d);
    if (dirname(d) === d) return realpathSync(cwd);
  }
}

/** `path` relative to `root` with `/` separators, or undefined when it lies outside. */
export function insideRoot(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}
