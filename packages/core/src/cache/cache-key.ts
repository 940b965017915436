/**
 * @module
 * A task's cache key: a hash of what decides its result. Its name and
 * version (an explicit `version`, else a hash of its function's source and
 * of its module's local import graph), the keys of its inputs (an input's
 * cache key when it has one, else a hash of its value), the key of its other
 * arguments, the config of the resources it uses, and the content hashes of
 * its input files.
 */

import { loadedModuleGraph } from '../executor/pool/module-graph.ts';
import { hashBytes } from '../util/hash.ts';
import type { Task } from '../vocabulary/task.ts';

/** What goes into a cache key. */
export interface CacheKeyParts {
  readonly task: Task;
  /** The task's version, from `taskVersion`. */
  readonly version: string;
  readonly inputs: readonly string[];
  readonly args: string;
  /** A hash of the config of the resources the task uses ('' for none). */
  readonly resources: string;
  /** Content hashes of the input files the task declares. */
  readonly files: readonly string[];
}

const sources = new WeakMap<Function, string>();

/**
 * The task's version: its `version` option, else a hash of its function's
 * source and of its module's local import graph (as this process loaded it,
 * see `loadedModuleGraph`), so that an edited helper module changes it.
 * Undefined when the graph cannot be read whole (a module or an import that
 * cannot be read or lexed): such a task is not cached rather than risk a
 * stale hit.
 */
export function taskVersion(task: Task): string | undefined {
  const explicit = task.options.version;
  if (explicit !== undefined) return `v:${explicit}`;
  let source = sources.get(task.fn);
  if (source === undefined) {
    source = hashBytes(Buffer.from(task.fn.toString()));
    sources.set(task.fn, source);
  }
  const url = task.options.module;
  // No module file (a task defined in eval or a REPL): its source is all there is.
  if (url === undefined) return `src:${source}`;
  try {
    const graph = loadedModuleGraph(url);
    if (graph.missing.length > 0 || graph.unlexed.length > 0) return undefined;
    return `src:${source}:${graph.hash}`;
  } catch {
    return undefined;
  }
}

/**
 * The cache key of one submission.
 * @example
 * cacheKey({ task: clean, version: taskVersion(clean)!, inputs: [loadKey], args: 'p:n3',
 *   resources: '', files: [] });
 */
export function cacheKey(parts: CacheKeyParts): string {
  const text = JSON.stringify([
    'weft-cache-1',
    parts.task.name,
    parts.version,
    parts.inputs,
    parts.args,
    parts.resources,
    parts.files,
  ]);
  return hashBytes(text);
}
