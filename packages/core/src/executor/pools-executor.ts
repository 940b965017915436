/**
 * @module
 * An executor made of named pools, each an executor of its own: a task runs
 * in the pool its `pool` option names, else in the default pool. The
 * scheduler reads the pools (`executor.pools`) and treats each as the
 * executor of its tasks (see the contract in `executor.ts`); this
 * executor's own `run` and `check` route by the task's pool for any other
 * caller. `pools()` (pools.ts) makes one from a resource set.
 */
import { describeValue } from '../errors/base.ts';
import { UnknownPoolError } from '../errors/pools.ts';
import { InvalidOptionError } from '../errors/run.ts';
import type { Task } from '../vocabulary/task.ts';
import {
  type Capacity,
  type Executor,
  type ExecutorPool,
  type Invocation,
  isExecutor,
} from './executor.ts';

/** A pool's name is a key of `--set executor.<pool>.<option>`: no dots, no spaces. */
const POOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The most pools an executor may have (the scheduler keeps a byte per task for its pool). */
export const MAX_POOLS = 256;

/** Throws `InvalidOptionError` unless `names` are valid pool names and `defaultPool` is one of them. */
export function checkPoolNames(names: readonly string[], defaultPool: unknown, what: string): void {
  if (names.length === 0 || names.length > MAX_POOLS) {
    throw new InvalidOptionError(
      `${what}: give from 1 to ${MAX_POOLS} pools, like pools({ local: threads() }, { default: 'local' }); got ${names.length}`,
    );
  }
  for (const name of names) {
    if (!POOL_NAME.test(name)) {
      throw new InvalidOptionError(
        `${what}: pool name ${JSON.stringify(name)} must start with a letter or _ and hold only ` +
          'letters, digits, _ and - (it is used in task({ pool }) and --set executor.<pool>.<option>)',
      );
    }
  }
  if (typeof defaultPool !== 'string' || !names.includes(defaultPool)) {
    throw new InvalidOptionError(
      `${what}: the default pool must name one of the pools (${names.join(', ')}), ` +
        `got ${describeValue(defaultPool)}; pass it as { default: '${names[0]}' }`,
    );
  }
}

/** Throws `InvalidOptionError` when `executor` is not an executor, or is itself made of pools. */
export function checkPoolExecutor(executor: unknown, pool: string, what: string): Executor {
  if (!isExecutor(executor)) {
    throw new InvalidOptionError(
      `${what}: pool "${pool}" is not an executor (an object with name, capacity and run), ` +
        `got ${describeValue(executor)}`,
    );
  }
  if (executor.pools !== undefined) {
    throw new InvalidOptionError(
      `${what}: pool "${pool}" is itself made of pools; pools do not nest, list its pools here instead`,
    );
  }
  return executor;
}

export class PoolsExecutor implements Executor {
  readonly name: string;
  readonly pools: readonly ExecutorPool[];
  readonly defaultPool: string;
  /** The default pool's: what a task that names no pool runs with. */
  readonly capacity: Capacity;
  /** True when any pool runs tasks outside this realm. */
  readonly remote: boolean;
  /** False when any pool cannot carry a task's child submissions. */
  readonly carriesChildren: boolean;
  /** `run` names the worker of every attempt (a pool that does not is named by its own name). */
  readonly placesAttempts = true;
  readonly #byName = new Map<string, Executor>();
  readonly #dispose: readonly (() => unknown)[];
  #disposed: Promise<void> | undefined;

  /**
   * `dispose` releases what this executor owns (its pools' executors, or
   * none when they belong to someone else), all at once.
   */
  constructor(
    pools: readonly ExecutorPool[],
    defaultPool: string,
    dispose: readonly (() => unknown)[],
    name = 'pools',
  ) {
    const names = pools.map((p) => p.name);
    checkPoolNames(names, defaultPool, name);
    for (const p of pools) {
      if (this.#byName.has(p.name)) {
        throw new InvalidOptionError(`${name}: two pools are named "${p.name}"`);
      }
      this.#byName.set(p.name, checkPoolExecutor(p.executor, p.name, name));
    }
    this.name = name;
    this.pools = Object.freeze(pools.map((p) => Object.freeze({ ...p })));
    this.defaultPool = defaultPool;
    this.capacity = this.#byName.get(defaultPool)!.capacity;
    this.remote = pools.some((p) => p.executor.remote === true);
    this.carriesChildren = pools.every((p) => p.executor.carriesChildren !== false);
    this.#dispose = dispose;
  }

  check(task: Task, args: readonly unknown[]): void {
    this.#member(task).check?.(task, args);
  }

  run(invocation: Invocation, signal: AbortSignal): Promise<unknown> {
    const member = this.#member(invocation.task);
    if (member.placesAttempts !== true) invocation.placed?.(member.worker ?? member.name);
    return member.run(invocation, signal);
  }

  #member(task: Task): Executor {
    const pool = task.options.pool ?? this.defaultPool;
    const member = this.#byName.get(pool);
    if (member === undefined) {
      const shown = task.label === undefined ? task.name : `${task.name} "${task.label}"`;
      throw new UnknownPoolError(shown, pool, [...this.#byName.keys()], this.name);
    }
    return member;
  }

  /** Disposes every pool it owns, all at once; idempotent. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#disposed ??= disposeAll(this.#dispose);
    return this.#disposed;
  }
}

async function disposeAll(disposers: readonly (() => unknown)[]): Promise<void> {
  const outcomes = await Promise.allSettled(disposers.map(async (dispose) => dispose()));
  const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} pools failed to close`);
}

/**
 * An executor made of pools, for direct use (in resource sets, use the
 * `pools()` definition): a task runs in the pool its `pool` option names,
 * else in `default`. It owns the executors it is given: disposing it
 * disposes every one.
 * @example
 * await using executor = poolsExecutor(
 *   { local: createInlineExecutor(), heavy: threadsExecutor({ max: 2 }) },
 *   { default: 'local' },
 * );
 * await run(main, { executor });
 */
export function poolsExecutor(
  members: Readonly<Record<string, Executor>>,
  options: { readonly default: string },
): PoolsExecutor {
  if (typeof members !== 'object' || members === null || Array.isArray(members)) {
    throw new InvalidOptionError(
      `poolsExecutor(): expects an object of executors by pool name, got ${describeValue(members)}`,
    );
  }
  const pools = Object.entries(members).map(([name, executor]) => ({ name, executor }));
  return new PoolsExecutor(
    pools,
    options?.default,
    pools.map((p) => () => p.executor[Symbol.asyncDispose]()),
    'pools',
  );
}
