/**
 * @module
 * The project root: the directory task modules are named relative to, by
 * whoever writes a task for another process and by `weft exec`, which
 * imports only modules inside it. It is the directory of the nearest
 * `weft.config.ts`, else of the nearest `package.json`, else the working
 * directory, symlinks resolved. weft's own built-in tasks (`weft.get`) are
 * the exception: a task file names their module `weft:<path in @weft/core>`,
 * which each process resolves in its own copy of weft.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findConfigFile } from '../config/load-config.ts';

/** Names a module of weft's own package (the built-in `weft.get`) in a task file. */
export const WEFT_MODULE_PREFIX = 'weft:';

/** @weft/core's own directory (that of its src/ and dist/), symlinks resolved. */
const WEFT_ROOT = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));

/** The project root of `cwd`. */
export function projectRoot(cwd: string): string {
  const config = findConfigFile(resolve(cwd));
  if (config !== undefined) return realpathSync(dirname(config));
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return realpathSync(d);
    if (dirname(d) === d) return realpathSync(cwd);
  }
}

/** `path` relative to `root` with `/` separators, or undefined when it is not inside. */
export function insideRoot(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return undefined;
  }
  return rel.split(sep).join('/');
}

/**
 * How a task file names the module at `path` (a real path): relative to
 * `root`, or `weft:<path>` for a module of weft's own package, which may lie
 * outside the project (a linked checkout); undefined when it is neither.
 */
export function taskModuleName(root: string, path: string): string | undefined {
  const rel = insideRoot(root, path);
  if (rel !== undefined) return rel;
  const own = insideRoot(WEFT_ROOT, path);
  return own === undefined ? undefined : WEFT_MODULE_PREFIX + own;
}

/** The directory a task file's module name is relative to, and the name without its prefix. */
export function taskModuleBase(
  root: string,
  name: string,
): { readonly base: string; readonly rel: string } {
  return name.startsWith(WEFT_MODULE_PREFIX)
    ? { base: WEFT_ROOT, rel: name.slice(WEFT_MODULE_PREFIX.length) }
    : { base: root, rel: name };
}
