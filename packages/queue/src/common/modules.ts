/**
 * @module
 * Task modules named across machines: by their path inside the project
 * root (`src/tasks.ts`), which each side turns into a `file:` URL of its own
 * copy. A task submitted from a task on a worker carries its module in its
 * options; the worker sends it root-relative and the coordinator makes it
 * its own again.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CompiledTaskOptions } from '@weft/core/executor';
import { insideRoot } from './root.ts';

/** Marks a module path relative to the project root, in a submitted task's options. */
const ROOT_PREFIX = 'weft-root:';

/** The `file:` URL of a root-relative module path. */
export function moduleUrl(root: string, rel: string): string {
  return pathToFileURL(join(root, ...rel.split('/'))).href;
}

/** A module URL relative to `root`, or undefined when it is not a file inside. */
export function relativeModule(root: string, url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  return insideRoot(root, fileURLToPath(url));
}

/** Task options as a worker sends them: the module named inside the root when it is. */
export function portableOptions(root: string, o: CompiledTaskOptions): CompiledTaskOptions {
  const module = o.module;
  const rel = module === undefined ? undefined : relativeModule(root, module);
  return rel === undefined ? o : { ...o, module: ROOT_PREFIX + rel };
}

/** Task options as a worker sent them, with the module made this machine's again. */
export function localOptions(root: string, o: CompiledTaskOptions): CompiledTaskOptions {
  const module = o.module;
  if (module === undefined || !module.startsWith(ROOT_PREFIX)) return o;
  return { ...o, module: moduleUrl(root, module.slice(ROOT_PREFIX.length)) };
}
