/**
 * @module
 * A worker's side of code shipping: imports a task module with plain Node
 * (`.ts` through Node's type stripping), after checking that its file and
 * the local modules it imports are those the coordinator hashed, and finds
 * tasks among its exports by name.
 */

import { fileURLToPath } from 'node:url';
import { ModuleChangedError, TaskNotImportableError } from '../errors/worker.ts';
import { checkModuleGraph, type GraphCheck } from '../executor/pool/module-graph.ts';
import { exportedTasks } from '../executor/pool/task-exports.ts';
import type { Task } from '../vocabulary/task.ts';

/** A task module as loaded in a worker: its tasks, or why none can run. */
export type LoadedModule =
  | { readonly tasks: ReadonlyMap<string, Task>; readonly failure: undefined }
  | { readonly tasks: undefined; readonly failure: (task: string) => Error };

const IMPORTING = Symbol.for('weft.importingTaskModule');

/**
 * Loads the module at `url`, whose local import graph the coordinator hashed
 * as `hash` (`coordinatorHash`); a module whose graph hashes otherwise here
 * is refused with `ModuleChangedError`, naming the file that differs.
 */
export async function loadModule(url: string, hash: string): Promise<LoadedModule> {
  const fail = (failure: (task: string) => Error): LoadedModule => ({ tasks: undefined, failure });
  let check: GraphCheck;
  try {
    check = checkModuleGraph(url, hash);
  } catch (cause) {
    return fail(
      (task) =>
        new TaskNotImportableError(task, url, `the worker cannot read its module ${url}`, {
          cause,
        }),
    );
  }
  if (!check.same) {
    const imported = check.file === fileURLToPath(url) ? undefined : check.file;
    return fail((task) => new ModuleChangedError(task, url, imported));
  }
  let namespace: unknown;
  const g = globalThis as Record<symbol, unknown>;
  try {
    // run() refuses to start while this is set: a module that starts its
    // workflow at top level would otherwise run it again inside the worker.
    g[IMPORTING] = url;
    namespace = await import(url);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    return fail(
      (task) =>
        new TaskNotImportableError(task, url, `importing ${url} in the worker failed: ${message}`, {
          cause,
        }),
    );
  } finally {
    delete g[IMPORTING];
  }
  const tasks = exportedTasks(namespace);
  if (!(tasks instanceof Map)) {
    return fail((task) => new TaskNotImportableError(task, url, tasks.problem));
  }
  return { tasks, failure: undefined };
}

/** The task named `name` in a loaded module, or the error saying why it cannot run. */
export function findTask(module: LoadedModule, name: string, url: string): Task | Error {
  if (module.tasks === undefined) return module.failure(name);
  const task = module.tasks.get(name);
  if (task !== undefined) return task;
  return new TaskNotImportableError(
    name,
    url,
    `module ${url} exports no task named "${name}" (a task defined inside a function, or not exported, cannot be found)`,
  );
}
