/**
 * @module
 * `submit(task, ...args)` and `gather(...)`: the future-based front end.
 */
import { NoActiveRunError } from '../../errors/run.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import type { AnyArgs, Task } from '../../vocabulary/task.ts';
import { Future } from './future.ts';

/**
 * A value, or a future of it, or (for arrays and plain objects) a structure
 * whose parts may be futures. What a task parameter of type `T` accepts.
 */
export type Futurable<T> =
  | T
  | Future<T>
  | (T extends readonly (infer E)[]
      ? readonly Futurable<E>[]
      : T extends (...args: never[]) => unknown
        ? never
        : T extends object
          ? { [K in keyof T]: Futurable<T[K]> }
          : never);

/** The arguments `submit` accepts for a task taking `A`. */
export type FuturableArgs<A extends AnyArgs> = { [K in keyof A]: Futurable<A[K]> };

/**
 * Adds a call of `task` to the current run and returns its future at once.
 * Futures among the arguments (also inside arrays and plain objects) are
 * dependencies: the task starts once they succeeded, and receives their values.
 * @example
 * const rows = submit(load, 'a.csv');
 * const clean = submit(cleanRows, rows); // runs after load
 */
export function submit<A extends AnyArgs, R>(
  task: Task<A, R>,
  ...args: FuturableArgs<A>
): Future<R> {
  const scope = submitScope.getStore();
  if (scope === undefined) {
    throw new NoActiveRunError(
      typeof (task as { name?: unknown })?.name === 'string' ? task.name : 'task',
    );
  }
  const graph = scope.graph;
  return new Future<R>(graph, graph.add({ task: task as Task, args, parent: scope.parentId }));
}

type Values<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/**
 * Waits for all the given futures (or promises) and returns their values in
 * order; rejects with the first error. Takes the futures as arguments or as
 * one array.
 * @example
 * const [a, b] = await gather(submit(load, 'a'), submit(load, 'b'));
 * const all = await gather(paths.map((p) => submit(load, p)));
 */
export function gather<T extends readonly unknown[]>(futures: T): Promise<Values<T>>;
export function gather<T extends readonly unknown[]>(...futures: T): Promise<Values<T>>;
export function gather(...futures: unknown[]): Promise<unknown[]> {
  const list =
    futures.length === 1 && Array.isArray(futures[0]) ? (futures[0] as unknown[]) : futures;
  return Promise.all(list);
}
