/**
 * @module
 * How the `executor` run option and the config file's `executor` become the
 * set's executor definition. Besides kinds, kinds with options and
 * definitions, it accepts pools as plain data, `{ kind: 'pools', pools: {
 * local: 'threads', cluster: { kind: 'queue', ... } }, default: 'local' }`,
 * which a run can record and a resume can repeat.
 */
import { describeValue } from '../errors/base.ts';
import { InvalidOptionError } from '../errors/run.ts';
import type { ResourceDefinition } from '../resources/resource.ts';
import type { Executor } from './executor.ts';
import { definitionOfChoice, type ExecutorChoice } from './kinds.ts';
import { pools } from './pools.ts';

/** The definition of an executor chosen by anything but an executor object. */
export function executorDefinition(
  choice: Exclude<ExecutorChoice, Executor>,
): ResourceDefinition<Executor> {
  if (
    typeof choice === 'object' &&
    choice !== null &&
    'kind' in choice &&
    choice.kind === 'pools'
  ) {
    const { kind: _, pools: members, default: defaultPool, ...rest } = choice;
    const extra = Object.keys(rest);
    if (extra.length > 0 || typeof members !== 'object' || members === null) {
      throw new InvalidOptionError(
        "executor { kind: 'pools' } takes { pools: { <name>: <kind or { kind, ...options }> }, default: <name> }" +
          (extra.length > 0
            ? `, not ${extra.join(', ')}`
            : `; pools was ${describeValue(members)}`),
      );
    }
    return pools(members as Readonly<Record<string, ExecutorChoice>>, {
      default: defaultPool as string,
    });
  }
  return definitionOfChoice(choice);
}
