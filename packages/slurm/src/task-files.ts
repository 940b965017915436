/**
 * @module
 * Task files for `weft exec`, written by the coordinator (jobs mode) or by
 * `weft submit` (delayed mode), and the checks a task passes at submit:
 * its module importable and inside the project root, its arguments able to
 * cross to another process, its requirements within the largest node.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Task, UnsatisfiableRequirementsError } from '@weft/core';
import type { ResourceSource } from '@weft/core/executor';
import { checkSerializable, coordinatorHash, importableModule } from '@weft/core/executor';
import {
  RUN_DIR_FORMAT,
  type TaskFile,
  type TaskFileInput,
  taskModuleName,
  weftVersion,
} from '@weft/core/worker';
import type { NodeLimits } from './cluster.ts';
import { ModuleOutsideRootError, SlurmOptionsError } from './errors.ts';
import { KNOWN_REQUIREMENTS } from './sbatch-args.ts';

/** The task's module relative to `root` (`weft:...` for weft's own); throws when weft exec could not import it. */
export function moduleInRoot(
  task: Task,
  root: string,
): { readonly url: string; readonly rel: string } {
  const url = importableModule(task);
  let path = fileURLToPath(url);
  try {
    path = realpathSync(path);
  } catch {
    // importableModule read it; keep the path as given
  }
  const rel = taskModuleName(root, path);
  if (rel === undefined) throw new ModuleOutsideRootError(task.name, path, root);
  return { url, rel };
}

/** Throws when `task` could never run as a Slurm job of this cluster. */
export function checkTask(
  task: Task,
  args: readonly unknown[],
  root: string,
  limits: NodeLimits,
  executor: string,
): void {
  moduleInRoot(task, root);
  checkSerializable(args, task.name);
  const req = task.options.requirements;
  if (req === undefined) return;
  for (const [name, amount] of Object.entries(req.record)) {
    if (name === 'ranks') continue;
    if (!KNOWN_REQUIREMENTS.has(name)) {
      throw new SlurmOptionsError(
        `task ${task.name}: requirement ${name} has no Slurm equivalent; ask for it with sbatch options (withSbatch, or the executor's tasks option)`,
      );
    }
    const most = limits[name as keyof NodeLimits];
    // Ranks may spread over nodes: their cpus are checked one rank's worth per node.
    const needed =
      name === 'cpus' && req.ranks !== undefined ? Math.ceil(amount / req.ranks) : amount;
    if (needed > most) {
      throw new UnsatisfiableRequirementsError(
        task.name,
        `${executor} (the largest node)`,
        name,
        needed,
        most,
      );
    }
  }
}

export interface TaskFileOf {
  readonly runId: string;
  readonly taskId: number;
  readonly attempt: number;
  readonly task: Task;
  readonly label: string | undefined;
  readonly args: readonly unknown[];
  readonly inputs: readonly TaskFileInput[];
  readonly root: string;
  readonly resources: ResourceSource | undefined;
  /** Delayed runs: the task's retries and timeout, which weft exec applies itself. */
  readonly own?: boolean;
}

/** The task file of one attempt. */
export function taskFile(o: TaskFileOf): TaskFile {
  const { url, rel } = moduleInRoot(o.task, o.root);
  const options = o.task.options;
  const declared = options.resources;
  return {
    format: RUN_DIR_FORMAT,
    version: weftVersion(),
    runId: o.runId,
    taskId: o.taskId,
    attempt: o.attempt,
    name: o.task.name,
    label: o.label,
    module: rel,
    hash: coordinatorHash(url),
    args: o.args,
    inputs: o.inputs,
    ...(declared.length === 0 || o.resources === undefined
      ? {}
      : { resources: { names: declared, source: o.resources } }),
    ...(o.own === true
      ? {
          retries: Math.max(0, options.retries),
          backoffMs: options.backoffInitialMs,
          timeoutMs: options.timeoutMs,
        }
      : {}),
  };
}
