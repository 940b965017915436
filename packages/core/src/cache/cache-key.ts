/**
 * @module
 * A task's cache key: a hash of what decides its result. Its name and
 * version (an explicit `version`, else a hash of its function's source), the
 * keys of its inputs (an input's cache key when it has one, else a hash of
 * its value), the key of its other arguments, the config of the resources it
 * uses, and the content hashes of its input files.
 */

import { hashBytes } from '../util/hash.ts';
import type { Task } from '../vocabulary/task.ts';

/** What goes into a cache key. */
export interface CacheKeyParts {
  readonly task: Task;
  readonly inputs: readonly string[];
  readonly args: string;
  /** A hash of the config of the resources the task uses ('' for none). */
  readonly resources: string;
  /** Content hashes of the input files the task declares. */
  readonly files: readonly string[];
}

const versions = new WeakMap<Function, string>();

/** The task's version: its `version` option, else a hash of its function's source. */
export function taskVersion(task: Task): string {
  const explicit = task.options.version;
  if (explicit !== undefined) return `v:${explicit}`;
  let v = versions.get(task.fn);
  if (v === undefined) {
    v = `src:${hashBytes(Buffer.from(task.fn.toString()))}`;
    versions.set(task.fn, v);
  }
  return v;
}

/**
 * The cache key of one submission.
 * @example
 * cacheKey({ task: clean, inputs: [loadKey], args: 'p:n3', resources: '', files: [] });
 */
export function cacheKey(parts: CacheKeyParts): string {
  const text = JSON.stringify([
    'weft-cache-1',
    parts.task.name,
    taskVersion(parts.task),
    parts.inputs,
    parts.args,
    parts.resources,
    parts.files,
  ]);
  return hashBytes(Buffer.from(text));
}
