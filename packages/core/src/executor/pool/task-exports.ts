/**
 * @module
 * Finding tasks among a module's exports by name: what a worker does after
 * importing a task's module, and what the coordinator does to check at
 * submit that a worker will succeed. An export is a task, or a value that
 * carries the tasks it defined under `Symbol.for('weft.tasks')` (a rule of
 * the targets front end carries its steps' tasks so).
 */
import { isTask, type Task } from '../../vocabulary/task.ts';

const TASKS = Symbol.for('weft.tasks');

/** The tasks an exported value is or carries. */
function tasksOf(value: unknown): readonly unknown[] {
  if (isTask(value)) return [value];
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return [];
  try {
    const carried = (value as Record<symbol, unknown>)[TASKS];
    return Array.isArray(carried) ? carried : [];
  } catch {
    return []; // a proxy or a getter that throws carries nothing
  }
}

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
    for (const task of tasksOf(value)) {
      if (!isTask(task)) continue;
      const other = tasks.get(task.name);
      if (other !== undefined && other.fn !== task.fn) {
        return { problem: `its module exports two different tasks named "${task.name}"` };
      }
      tasks.set(task.name, task);
    }
  }
  return tasks;
}
