/**
 * @module
 * Where a run's tasks run: the executor's pools (an executor without pools
 * is one pool), each with its own capacity and its own ready queue, so
 * that a full pool never holds back the tasks of another, and which pool
 * each task asks for. The scheduler keeps each task's pool index beside its
 * other per-task state.
 */
import { UnknownPoolError } from '../errors/pools.ts';
import { InvalidOptionError } from '../errors/run.ts';
import type { Executor } from '../executor/executor.ts';
import { MAX_POOLS } from '../executor/pools-executor.ts';
import type { CompiledRequirements } from '../vocabulary/requirements.ts';
import type { Task } from '../vocabulary/task.ts';
import { CapacityPool } from './capacity.ts';
import { ReadyQueue } from './ready-queue.ts';

export class Placement {
  /** Each pool's executor: the executor itself when it has no pools. */
  readonly executors: readonly Executor[];
  /** Each pool's name; undefined for an executor without pools. */
  readonly names: readonly string[] | undefined;
  readonly capacities: readonly CapacityPool[];
  readonly queues: readonly ReadyQueue[];
  /** The pool of tasks that name none. */
  readonly defaultPool: number;
  readonly #executor: string;
  readonly #index = new Map<string, number>();
  /** Pool names already warned about, under an executor without pools. */
  readonly #ignored = new Set<string>();
  readonly #warn: (message: string, fields: Readonly<Record<string, unknown>>) => void;

  constructor(
    executor: Executor,
    priorities: Int32Array,
    warn: (message: string, fields: Readonly<Record<string, unknown>>) => void,
  ) {
    this.#executor = executor.name;
    this.#warn = warn;
    const pools = executor.pools;
    if (pools === undefined) {
      this.executors = [executor];
      this.names = undefined;
      this.defaultPool = 0;
      this.capacities = [new CapacityPool(executor.capacity, executor.name)];
    } else {
      if (pools.length === 0 || pools.length > MAX_POOLS) {
        throw new InvalidOptionError(
          `executor "${executor.name}" has ${pools.length} pools; it needs from 1 to ${MAX_POOLS}`,
        );
      }
      const names = pools.map((p) => p.name);
      for (let i = 0; i < names.length; i++) this.#index.set(names[i]!, i);
      if (this.#index.size !== names.length) {
        throw new InvalidOptionError(
          `executor "${executor.name}" has two pools of one name (${names.join(', ')})`,
        );
      }
      const defaultPool = this.#index.get(executor.defaultPool ?? names[0]!);
      if (defaultPool === undefined) {
        throw new InvalidOptionError(
          `executor "${executor.name}": its default pool "${executor.defaultPool}" is not one of its pools (${names.join(', ')})`,
        );
      }
      this.executors = pools.map((p) => p.executor);
      this.names = names;
      this.defaultPool = defaultPool;
      this.capacities = pools.map(
        (p) =>
          new CapacityPool(p.executor.capacity, p.executor.name, { name: p.name, pools: names }),
      );
    }
    this.queues = this.executors.map(() => new ReadyQueue(priorities));
  }

  /**
   * The index of the pool `task` runs in. A pool the executor lacks throws
   * `UnknownPoolError`; under an executor without pools, every pool is the
   * executor, with one warning per pool name. `describe` names the task.
   */
  poolOf(task: Task, describe: (task: Task) => string): number {
    const pool = task.options.pool;
    if (pool === undefined) return this.defaultPool;
    const i = this.#index.get(pool);
    if (i !== undefined) return i;
    if (this.names !== undefined) {
      throw new UnknownPoolError(describe(task), pool, this.names, this.#executor);
    }
    if (!this.#ignored.has(pool)) {
      this.#ignored.add(pool);
      const first = describe(task);
      this.#warn(
        `executor "${this.#executor}" has no pools, so the pool option is ignored: tasks that ask ` +
          `for pool "${pool}" (the first: ${first}) run on "${this.#executor}" like the others`,
        { pool, task: first },
      );
    }
    return 0;
  }

  /** Throws when `req` could never fit in pool `pool`, even with it idle. */
  checkRequirements(pool: number, req: CompiledRequirements, describe: () => string): void {
    this.capacities[pool]!.check(req, describe);
  }

  /** Points every queue at the tasks' priorities, after they grew. */
  setPriorities(priorities: Int32Array): void {
    for (const q of this.queues) q.priorities = priorities;
  }

  clearQueues(): void {
    for (const q of this.queues) q.clear();
  }
}
