/**
 * @module
 * The graph of a delayed run, built by running main without running any
 * task: a `NodeGraph` that checks each node as a run would (a task, a
 * unique label, arguments that can reach a batch job, requirements the
 * batch system can meet, declared resources it can rebuild) and records it.
 * Nothing ever ends here: a wait on a node is kept for `plan-main.ts` to
 * tell whether main returns that node's future or awaits it before it
 * submits more (where the graph stops being known ahead of time).
 */
import { DynamicWorkflowError } from '../../errors/batch.ts';
import {
  DuplicateLabelError,
  FutureNotDoneError,
  formatTask,
  InvalidOptionError,
} from '../../errors/run.ts';
import type { Capacity } from '../../executor/executor.ts';
import { scanArgs } from '../../scheduler/args.ts';
import { CapacityPool } from '../../scheduler/capacity.ts';
import type { NodeGraph, NodeSpec } from '../../vocabulary/node.ts';
import type { SubmitScope } from '../../vocabulary/scope.ts';
import type { TaskState } from '../../vocabulary/state.ts';
import { isTask, type Task } from '../../vocabulary/task.ts';
import { notATask } from '../helpers.ts';
import { checkTaskResources, type ResourceCheckContext } from '../resource-check.ts';
import { taskThatSubmits } from './submits-children.ts';

/** A node of the planned graph. */
export interface PlanNode {
  readonly id: number;
  /** The task with the node's options and label applied. */
  readonly task: Task;
  /** The arguments as given: node outputs (futures) in them are edges. */
  readonly args: readonly unknown[];
  /** How deep the outputs sit in `args` (`ARGS_*` of `scheduler/args.ts`). */
  readonly argKind: number;
  /** The nodes it depends on: its arguments' outputs, then its `after`. */
  readonly deps: readonly number[];
  readonly label: string | undefined;
}

export interface PlanGraphOptions {
  readonly runId: string;
  /** The id of the first node (a resume numbers on after the recorded tasks). */
  readonly firstId: number;
  /** What the batch system can offer one task: a task needing more is refused. */
  readonly capacity: Capacity;
  readonly executorName: string;
  /** The executor's own check of a task and its arguments. */
  readonly check: ((task: Task, args: readonly unknown[]) => void) | undefined;
  readonly resources: ResourceCheckContext;
}

export class PlanGraph implements NodeGraph, SubmitScope {
  readonly runId: string;
  readonly parentId = -1;
  readonly attempt = 0;
  readonly nodes: PlanNode[] = [];
  /** Why the graph is not known ahead of time: the first wait, or a task that submits. */
  dynamic: DynamicWorkflowError | undefined;
  readonly #o: PlanGraphOptions;
  readonly #pool: CapacityPool;
  readonly #labels = new Map<string, number>();
  readonly #checked = new WeakSet<Task>();
  readonly #deps: number[] = [];

  constructor(options: PlanGraphOptions) {
    this.#o = options;
    this.runId = options.runId;
    this.#pool = new CapacityPool(options.capacity, options.executorName);
  }

  get graph(): NodeGraph {
    return this;
  }

  add(spec: NodeSpec): number {
    let task = spec.task;
    if (!isTask(task)) throw notATask(task);
    if (spec.options !== undefined) task = task.with(spec.options);
    if (spec.label !== undefined) task = task.with({ label: spec.label });
    const id = this.#o.firstId + this.nodes.length;
    const describe = (): string => formatTask({ id, name: task.name, label: task.label });
    if (task.options.resources.length > 0 && !this.#checked.has(task)) {
      checkTaskResources(task, this.#o.resources);
      this.#checked.add(task);
    }
    const args = spec.args as unknown[];
    const deps = this.#deps;
    deps.length = 0;
    const argKind = scanArgs(args, this, task.name, deps);
    for (const d of spec.after ?? []) {
      if (!Number.isInteger(d) || d < this.#o.firstId || d >= id) {
        throw new InvalidOptionError(
          `task ${task.name}: after names node ${String(d)}, which this run does not have`,
        );
      }
      if (!deps.includes(d)) deps.push(d);
    }
    this.#pool.check(task.options.requirements, describe);
    this.#o.check?.(task, args);
    const label = task.label;
    if (label !== undefined) {
      const first = this.#labels.get(label);
      if (first !== undefined) {
        throw new DuplicateLabelError(
          label,
          { id: first, name: this.#node(first).task.name, label },
          task.name,
        );
      }
      this.#labels.set(label, id);
    }
    if (this.dynamic === undefined) {
      const why = taskThatSubmits(task);
      if (why !== undefined)
        this.dynamic = new DynamicWorkflowError(describe(), `task ${describe()} ${why}`);
    }
    this.nodes.push({ id, task, args, argKind, deps: [...deps], label });
    return id;
  }

  #node(ref: number): PlanNode {
    const node = this.nodes[ref - this.#o.firstId];
    if (node === undefined) throw new InvalidOptionError(`no node ${ref} in run ${this.runId}`);
    return node;
  }

  idOf(ref: number): number {
    return ref;
  }

  stateOf(ref: number): TaskState {
    this.#node(ref);
    return 'pending';
  }

  resultOf(ref: number): unknown {
    throw new FutureNotDoneError(this.describe(ref), 'pending');
  }

  errorOf(ref: number): Error {
    throw new FutureNotDoneError(this.describe(ref), 'pending');
  }

  labelOf(ref: number): string | undefined {
    return this.#node(ref).label;
  }

  describe(ref: number): string {
    const node = this.#node(ref);
    return formatTask({ id: ref, name: node.task.name, label: node.label });
  }

  /**
   * Nothing ends here, so a wait is kept: main may be returning the future
   * (which awaits it too), or awaiting it before it submits more. `plan-main.ts`
   * tells which.
   */
  wait(ref: number, resolve: (value: unknown) => void): void {
    this.#node(ref);
    this.waits.push({ ref, resolve });
  }

  /** Waits on nodes, in order, not yet told apart (see `wait`). */
  readonly waits: { readonly ref: number; readonly resolve: (value: unknown) => void }[] = [];

  cancel(): boolean {
    return false;
  }
}
