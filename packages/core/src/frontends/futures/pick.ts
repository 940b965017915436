/**
 * @module
 * `weft.get`: the built-in task behind `future.get(...path)`, which hands a
 * part of a task's value downstream. It runs wherever tasks run (a worker
 * imports it from this module by its name, like any task).
 */
import { describeValue } from '../../errors/base.ts';
import { InvalidArgumentError } from '../../errors/run.ts';
import { task } from '../../vocabulary/task.ts';

/** A key on the way into a value: a property name or an array index. */
export type PathKey = string | number;

/** The part of `value` at `path`; throws naming the first key that is missing. */
export const pick = task('weft.get', (ctx, value: unknown, path: readonly PathKey[]) => {
  let at: unknown = value;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) {
      const where = path
        .slice(0, i + 1)
        .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
        .join('');
      throw new InvalidArgumentError(
        'weft.get',
        `value${where}`,
        `future.get(${path.map((k) => JSON.stringify(k)).join(', ')}) in task ${ctx.name}#${ctx.taskId}: ` +
          `the value has no ${where} (at that point it is ${describeValue(at)})`,
      );
    }
    at = (at as Record<PathKey, unknown>)[key];
  }
  return at;
});
