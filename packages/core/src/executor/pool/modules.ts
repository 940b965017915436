/**
 * @module
 * The coordinator's side of code shipping: for each task module, the hash
 * of its local import graph as this process loaded it (sent to workers,
 * which compare it with the files they load; see `module-graph.ts`) and the
 * tasks it exports by name, so that a task a worker could never find is
 * refused at submit.
 *
 * Submit is synchronous, so the exports are read with `require()`, which
 * since Node 22.12 returns the namespace of an ES module synchronously: the
 * very namespace when Node already loaded the module (the usual case: the
 * module defined the task being submitted), else a fresh, native load (under
 * a test runner's own loader, say), which is what a worker will do too.
 * Modules that `require()` cannot load synchronously (top-level await, or a
 * module still evaluating, such as the entry script during its first await)
 * are checked by the worker instead, which fails the task with the same
 * error when it runs.
 */

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../../errors/run.ts';
import { TaskNotImportableError } from '../../errors/worker.ts';
import type { Task } from '../../vocabulary/task.ts';
import { loadedModuleGraph } from './module-graph.ts';
import { exportedTasks } from './task-exports.ts';

/** What the coordinator knows of one task module. */
interface ModuleRecord {
  readonly hash: string | undefined;
  /** Tasks by name; undefined when the exports could not be read synchronously. */
  readonly tasks: ReadonlyMap<string, Task> | undefined;
  /** Why no task of this module can run in a worker. */
  readonly broken: { readonly why: string; readonly cause?: unknown } | undefined;
}

/** Errors of `require()` that say "not synchronously", not "not loadable". */
const DEFERRED = new Set(['ERR_REQUIRE_ASYNC_MODULE', 'ERR_REQUIRE_CYCLE_MODULE']);

const records = new Map<string, ModuleRecord>();
const requireModule = createRequire(import.meta.url);

/**
 * The module URL of `task`, after checking that a worker can import it and
 * find the task by its name. Throws `TaskNotImportableError` saying why not.
 */
export function importableModule(task: Task): string {
  const url = task.options.module;
  if (url === undefined) {
    throw new TaskNotImportableError(
      task.name,
      undefined,
      'weft could not tell which module defined it (task() was not called from a module file, ' +
        'but from eval, a REPL or code without file paths)',
    );
  }
  const record = moduleRecord(url);
  if (record.broken !== undefined) {
    throw new TaskNotImportableError(task.name, url, record.broken.why, {
      cause: record.broken.cause,
    });
  }
  if (record.tasks !== undefined && !record.tasks.has(task.name)) {
    const names = [...record.tasks.keys()];
    throw new TaskNotImportableError(
      task.name,
      url,
      `module ${url} exports no task named "${task.name}" ` +
        `(${names.length === 0 ? 'it exports no task' : `its exported tasks: ${names.join(', ')}`}); ` +
        'a task defined inside a function, or not exported, cannot be found there',
    );
  }
  return url;
}

/**
 * The hash of the module's local import graph as the coordinator loaded it,
 * which `loadModule` in a worker compares with the files it finds.
 */
export function coordinatorHash(url: string): string {
  const hash = moduleRecord(url).hash;
  if (hash === undefined) throw new InternalError(`no hash for ${url}`);
  return hash;
}

function moduleRecord(url: string): ModuleRecord {
  let record = records.get(url);
  if (record === undefined) {
    record = readModule(url);
    records.set(url, record);
  }
  return record;
}

function readModule(url: string): ModuleRecord {
  const none = { hash: undefined, tasks: undefined };
  if (!url.startsWith('file:')) {
    return { ...none, broken: { why: `its module ${url} is not a file` } };
  }
  let hash: string;
  try {
    hash = loadedModuleGraph(url).token;
  } catch (cause) {
    return { ...none, broken: { why: `its module file ${url} cannot be read`, cause } };
  }
  let namespace: unknown;
  try {
    namespace = requireModule(fileURLToPath(url));
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && DEFERRED.has(code)) {
      return { hash, tasks: undefined, broken: undefined };
    }
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    return {
      hash,
      tasks: undefined,
      broken: { why: `Node cannot load its module ${url}: ${message}`, cause },
    };
  }
  const tasks = exportedTasks(namespace);
  if (!(tasks instanceof Map)) return { hash, tasks: undefined, broken: { why: tasks.problem } };
  // A CommonJS-style placeholder (no module namespace) cannot be trusted to list the exports.
  const isNamespace =
    typeof namespace === 'object' &&
    namespace !== null &&
    (namespace as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Module';
  return { hash, tasks: isNamespace || tasks.size > 0 ? tasks : undefined, broken: undefined };
}
