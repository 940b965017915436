/**
 * @module
 * The checks a node passes at submit that depend on where it runs: its
 * declared resources (in the set and, in a pool that runs tasks elsewhere,
 * rebuildable there), and its executor's own `check`. With pools, each
 * pool has its own: a task may use an in-memory resource in an inline pool
 * and not in a threads pool.
 */
import type { Executor } from '../executor/executor.ts';
import type { ResourceScope } from '../resources/scope.ts';
import type { Task } from '../vocabulary/task.ts';
import { checkTaskResources, type ResourceCheckContext } from './resource-check.ts';

export class SubmitChecks {
  /** Per pool: where its tasks' resources come from, and its executor's check. */
  readonly #resources: readonly ResourceCheckContext[];
  readonly #checks: readonly (((task: Task, args: readonly unknown[]) => void) | undefined)[];
  /** Tasks whose declared resources were checked; a task's pool is one of its options. */
  readonly #checked = new WeakSet<Task>();

  /** `pools`: each pool's executor and name (no names: an executor without pools). */
  constructor(
    pools: {
      readonly executors: readonly Executor[];
      readonly names: readonly string[] | undefined;
    },
    scope: ResourceScope,
    hasSource: boolean,
  ) {
    const { executors, names } = pools;
    const here = names?.filter((_, i) => executors[i]!.remote !== true) ?? [];
    this.#resources = executors.map((e, i) => ({
      scope,
      remote: e.remote === true,
      executorName: e.name,
      hasSource,
      ...(names === undefined ? {} : { pool: { name: names[i]!, here } }),
    }));
    this.#checks = executors.map((e) => e.check?.bind(e));
  }

  /** Throws when `task`'s resources cannot be given to it in pool `pool`. */
  resources(task: Task, pool: number): void {
    if (task.options.resources.length === 0 || this.#checked.has(task)) return;
    checkTaskResources(task, this.#resources[pool]!);
    this.#checked.add(task);
  }

  /** Throws when the executor of pool `pool` refuses `task` with `args`. */
  executor(task: Task, args: readonly unknown[], pool: number): void {
    this.#checks[pool]?.(task, args);
  }
}
