/**
 * @module
 * Running one invocation in this process, exactly as a pool worker would:
 * the task's module is imported after it and its local imports are checked
 * against what the coordinator hashed, the task is found by name, its declared
 * resources are rebuilt from the run's mode, and it runs with its context.
 * For a batch job (`weft exec` in a Slurm job) or any host that gets one
 * task at a time. Child submissions go to `graph` when one is given, and
 * are refused otherwise.
 */
import { type SerializedError, serializeError } from '../errors/base.ts';
import { ChildrenNotCarriedError } from '../errors/run.ts';
import { UnserializableValueError } from '../errors/worker.ts';
import { findUnserializable } from '../executor/pool/serializable.ts';
import type { ResourceSource } from '../resources/source.ts';
import { createLogger, type Logger, type LogRecord } from '../vocabulary/logger.ts';
import type { NodeGraph, NodeSpec } from '../vocabulary/node.ts';
import { type SubmitScope, submitScope } from '../vocabulary/scope.ts';
import type { TaskContext } from '../vocabulary/task.ts';
import { findTask, loadModule } from './loader.ts';
import { WorkerResources } from './resources.ts';

/** One attempt of one task, as a batch job or a remote host receives it. */
export interface OneShotInvocation {
  /** The `file:` URL of the module that defines the task. */
  readonly module: string;
  /** The module's graph hash as the coordinator saw it (`coordinatorHash`). */
  readonly hash: string;
  /** The task's name among the module's exports. */
  readonly task: string;
  readonly args: readonly unknown[];
  readonly runId: string;
  readonly taskId: number;
  readonly attempt: number;
  readonly label?: string;
  /** The resources the task declares, and where to rebuild them from. */
  readonly resources?: { readonly names: readonly string[]; readonly source: ResourceSource };
  /** Fires the task's own signal. */
  readonly signal?: AbortSignal;
  /** Receives what the task logs through `ctx.log`. */
  readonly log?: (record: LogRecord) => void;
  /** Where the task's child submissions go; without it they are refused. */
  readonly graph?: NodeGraph;
}

/** How the attempt ended: its value (checked to cross a process), or its error. */
export type OneShotOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: SerializedError };

/**
 * Runs one invocation here and reports how it ended; never throws.
 * @example
 * const outcome = await runInvocation({ module, hash, task: 'align', args, runId, taskId: 4, attempt: 1 });
 */
export async function runInvocation(inv: OneShotInvocation): Promise<OneShotOutcome> {
  const resources = new WorkerResources();
  try {
    const ctx = new OneShotContext(inv);
    if (inv.resources !== undefined && inv.resources.names.length > 0) {
      resources.add(1, inv.resources.source);
      ctx.resources = Object.freeze(await resources.values(1, inv.resources.names, ctx.log));
    }
    const loaded = await loadModule(inv.module, inv.hash);
    const task = findTask(loaded, inv.task, inv.module);
    if (task instanceof Error) return { ok: false, error: serializeError(task) };
    const value = await submitScope.run(ctx, () => task.fn(ctx, ...inv.args));
    const bad = findUnserializable(value, 'result');
    if (bad !== undefined) {
      const error = new UnserializableValueError(`${inv.task}#${inv.taskId}`, bad.path, bad.what);
      return { ok: false, error: serializeError(error) };
    }
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  } finally {
    await resources.close();
  }
}

/** The task's context and submit scope for a one-shot run. */
class OneShotContext implements TaskContext, SubmitScope {
  readonly runId: string;
  readonly taskId: number;
  readonly name: string;
  readonly attempt: number;
  readonly label: string | undefined;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly graph: NodeGraph;
  resources: Readonly<Record<string, unknown>> = Object.freeze({});

  constructor(inv: OneShotInvocation) {
    this.runId = inv.runId;
    this.taskId = inv.taskId;
    this.name = inv.task;
    this.attempt = inv.attempt;
    this.label = inv.label;
    this.signal = inv.signal ?? new AbortController().signal;
    const sink = inv.log;
    this.log = createLogger((record) => sink?.(record));
    this.graph = inv.graph ?? refusing(this);
  }

  get parentId(): number {
    return this.taskId;
  }
}

/** A graph that refuses child submissions: nothing carries them from here. */
function refusing(ctx: OneShotContext): NodeGraph {
  const refuse = (spec?: NodeSpec): never => {
    throw new ChildrenNotCarriedError(
      `${ctx.name}#${ctx.taskId}`,
      typeof spec?.task?.name === 'string' ? spec.task.name : 'a task',
      'one-shot',
    );
  };
  return {
    runId: ctx.runId,
    add: refuse,
    idOf: () => refuse(),
    stateOf: () => refuse(),
    resultOf: () => refuse(),
    errorOf: () => refuse(),
    labelOf: () => refuse(),
    describe: () => `${ctx.name}#${ctx.taskId}`,
    wait: () => refuse(),
    cancel: () => refuse(),
  };
}
