/**
 * @module
 * Finding tasks among a module's exports by name: what a worker does after
 * importing a task's module, and what the coordinator does to check at
 * submit that a worker will succeed.
 */
import { isTask, type Task } from '../../vocabulary/task.ts';

/** What is wrong with a module's tasks: why none of them can be found by name. */
export interface ExportProblem {
  readonly problem: string;
}

/** The tasks among a module's exports, by name; a problem when two differ but share a name. */
export function exportedTasks(namespace: unknown): Map<string, Task> | ExportProblem {
  const tasks = new Map<string, Task>();
  if (typeof namespace !== 'object' || namespace === null) return tasks;
  for (const key of Object.keys(namespace)) {
    let value: unknown;
    try {
      value = (namespace as Record<string, unknown>)[key];
    } catch {
      continue; // an export still in its temporal dead zone
    }
    if (!isTask(value)) continue;
    const other = tasks.get(value.name);
    if (other !== undefined && other.fn !== value.fn) {
      return { problem: `its module exports two different tasks named "${value.name}"` };
    }
    tasks.set(value.name, value);
  }
  return tasks;
}
