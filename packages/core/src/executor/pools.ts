/**
 * @module
 * `pools(members, { default })`: an executor made of named pools, as the
 * resource definition for the `executor` key of a resource set. A set still
 * has one executor; a task names the pool it runs in (`task({ pool })`,
 * `task.with({ pool })`), and the others run in the default pool. Each pool
 * is given as a kind, a kind with options, an executor definition or an
 * executor. Config is keyed by pool name (`--set executor.<pool>.<option>`)
 * and checked by each pool's own schema, so pools given as kinds can be
 * tuned per mode; the kind itself stays the one given here.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describeValue } from '../errors/base.ts';
import { PoolCreateError } from '../errors/pools.ts';
import { InvalidOptionError } from '../errors/run.ts';
import {
  isDisposing,
  makeDefinition,
  type ResourceContext,
  type ResourceDefinition,
} from '../resources/resource.ts';
import { type Executor, type ExecutorPool, isExecutor } from './executor.ts';
import { definitionOfChoice, type ExecutorChoice } from './kinds.ts';
import { checkPoolExecutor, checkPoolNames, PoolsExecutor } from './pools-executor.ts';

/** Options of `pools()`. */
export interface PoolsOptions {
  /** The pool of tasks that name none; one of the pools. */
  readonly default: string;
}

/** A pool as `pools()` holds it: made from a definition, or an executor of the caller's. */
interface Member {
  readonly name: string;
  readonly definition: ResourceDefinition<Executor> | undefined;
  readonly executor: Executor | undefined;
}

/**
 * An executor made of named pools, as a resource definition. A pool given
 * as an executor stays its owner's (a run does not dispose it); the others
 * are created with the run and disposed with it.
 * @example
 * const prod = resourceSet({
 *   executor: pools({ local: threads({ max: 4 }), cluster: queue({ queue: 'etl' }) }, { default: 'local' }),
 * });
 * export const train = task({ name: 'train', pool: 'cluster' }, async (ctx, data: Data) => fit(data));
 */
export function pools(
  members: Readonly<Record<string, ExecutorChoice>>,
  options: PoolsOptions,
): ResourceDefinition<Executor> {
  if (typeof members !== 'object' || members === null || Array.isArray(members)) {
    throw new InvalidOptionError(
      `pools(): expects an object of executors by pool name, like { local: threads() }, got ${describeValue(members)}`,
    );
  }
  const names = Object.keys(members);
  checkPoolNames(names, options?.default, 'pools()');
  const list = names.map((name) => memberOf(name, members[name]));
  return makeDefinition<Executor>(
    {
      config: poolsConfig(list),
      dependsOn: [...new Set(list.flatMap((m) => m.definition?.dependsOn ?? []))],
      create: (ctx) => createPools(list, options.default, ctx),
    },
    'executor',
  );
}

function memberOf(name: string, choice: ExecutorChoice | undefined): Member {
  if (isExecutor(choice)) {
    return { name, definition: undefined, executor: checkPoolExecutor(choice, name, 'pools()') };
  }
  if (
    typeof choice === 'object' &&
    choice !== null &&
    'kind' in choice &&
    choice.kind === 'pools'
  ) {
    throw new InvalidOptionError(
      `pools(): pool "${name}" is itself made of pools; pools do not nest, list its pools here instead`,
    );
  }
  if (choice === undefined || choice === null || typeof choice === 'number') {
    throw new InvalidOptionError(
      `pools(): pool "${name}" must be an executor kind ('inline', 'threads', ...), { kind, ...options }, ` +
        `an executor definition such as threads(), or an executor; got ${describeValue(choice)}`,
    );
  }
  return {
    name,
    definition: definitionOfChoice(choice, `pools(): pool "${name}"`),
    executor: undefined,
  };
}

/** Creates each pool in order; on a failure, disposes those already made and throws. */
async function createPools(
  list: readonly Member[],
  defaultPool: string,
  ctx: ResourceContext<unknown, string>,
): Promise<Executor> {
  const config = (ctx.config ?? {}) as Readonly<Record<string, unknown>>;
  const made: ExecutorPool[] = [];
  const disposers: (() => unknown)[] = [];
  try {
    for (const m of list) {
      if (m.executor !== undefined) {
        made.push({ name: m.name, executor: m.executor });
        continue;
      }
      let created: unknown;
      try {
        created = await m.definition!.create({
          ...ctx,
          config: config[m.name],
          log: ctx.log.child({ pool: m.name }),
        });
      } catch (error) {
        throw new PoolCreateError(m.name, error);
      }
      const executor = isDisposing(created) ? created.value : created;
      if (isDisposing(created)) disposers.push(created.dispose);
      else if (isExecutor(created)) disposers.push(() => created[Symbol.asyncDispose]());
      made.push({ name: m.name, executor: checkPoolExecutor(executor, m.name, 'pools()') });
    }
    return new PoolsExecutor(made, defaultPool, disposers);
  } catch (error) {
    await Promise.allSettled(disposers.reverse().map(async (dispose) => dispose()));
    throw error;
  }
}

type Issue = StandardSchemaV1.Issue;
type Result = StandardSchemaV1.Result<Record<string, unknown>>;

/**
 * Config keyed by pool name, each checked by its pool's own schema (a pool
 * given as a kind accepts that kind's options); a pool without a schema
 * takes none.
 */
function poolsConfig(list: readonly Member[]): StandardSchemaV1<unknown, Record<string, unknown>> {
  const byName = new Map(list.map((m) => [m.name, m]));
  return {
    '~standard': {
      version: 1,
      vendor: 'weft',
      validate(value: unknown): Result | Promise<Result> {
        const config = value ?? {};
        if (typeof config !== 'object' || Array.isArray(config)) {
          return {
            issues: [
              { message: 'expected an object keyed by pool name, like { local: { max: 4 } }' },
            ],
          };
        }
        const given = config as Readonly<Record<string, unknown>>;
        const issues: Issue[] = [];
        for (const key of Object.keys(given)) {
          if (!byName.has(key)) {
            issues.push({
              message: `no pool of that name; the pools are: ${[...byName.keys()].join(', ')}`,
              path: [key],
            });
          }
        }
        const results = list.map((m) => validateMember(m, given[m.name]));
        const combine = (done: readonly Result[]): Result => {
          const out: Record<string, unknown> = {};
          done.forEach((r, i) => {
            const name = list[i]!.name;
            if (r.issues === undefined) out[name] = r.value;
            else for (const issue of r.issues) issues.push(prefixed(issue, name));
          });
          return issues.length > 0 ? { issues } : { value: out };
        };
        return results.some((r) => r instanceof Promise)
          ? Promise.all(results).then(combine)
          : combine(results as Result[]);
      },
    },
  };
}

function validateMember(m: Member, value: unknown): Result | Promise<Result> {
  const schema = m.definition?.config;
  if (schema !== undefined) return schema['~standard'].validate(value) as Result | Promise<Result>;
  if (value === undefined) return { value: undefined as unknown as Record<string, unknown> };
  return {
    issues: [
      {
        message:
          'this pool takes no config (it was given as an executor, or a definition without a ' +
          "config schema); give it as a kind, like { kind: 'threads', max: 4 }, to configure it",
      },
    ],
  };
}

function prefixed(issue: Issue, name: string): Issue {
  return { message: issue.message, path: [name, ...(issue.path ?? [])] };
}
