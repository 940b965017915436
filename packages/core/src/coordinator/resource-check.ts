/**
 * @module
 * The check a node's declared resources pass when it is added: each must be
 * in the run's set and, under an executor that runs tasks elsewhere,
 * rebuildable there (it and everything it is made from).
 */
import {
  MissingResourceError,
  NotProcessSafeError,
  ResourceSetError,
} from '../errors/resources.ts';
import type { ResourceScope } from '../resources/scope.ts';
import type { Task } from '../vocabulary/task.ts';

export interface ResourceCheckContext {
  readonly scope: ResourceScope;
  /** True when the executor runs tasks outside this realm. */
  readonly remote: boolean;
  readonly executorName: string;
  /** True when workers can rebuild resources (the run has a mode of a config file). */
  readonly hasSource: boolean;
  /** With pools: the task's pool, and the pools that run tasks in this process. */
  readonly pool?: { readonly name: string; readonly here: readonly string[] };
}

/** Throws when `task`'s resources cannot be given to it where it runs. */
export function checkTaskResources(task: Task, c: ResourceCheckContext): void {
  const seen = new Set<string>();
  const visit = (name: string, neededBy: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const def = c.scope.definition(name);
    if (def === undefined) throw new MissingResourceError(name, neededBy, c.scope.names);
    // A worker-scoped resource is made anew in each worker: being per-process is what it asks for.
    if (c.remote && !def.processSafe && def.scope !== 'worker') {
      throw new NotProcessSafeError(name, task.name, c.executorName, c.pool);
    }
    for (const dep of def.dependsOn) visit(dep, `resource "${name}"`);
  };
  for (const name of task.options.resources) visit(name, `task ${task.name}`);
  if (c.remote && !c.hasSource) {
    const where =
      c.pool === undefined
        ? `executor "${c.executorName}"`
        : `its pool "${c.pool.name}" (executor "${c.executorName}")`;
    throw new ResourceSetError(
      `task ${task.name} needs resources, and ${where} runs tasks in workers, ` +
        'which rebuild resources from a mode of weft.config.ts; this run was given its resource set ' +
        'directly. Run it under a mode (the mode option or WEFT_MODE), or with the inline executor',
    );
  }
}
