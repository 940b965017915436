/**
 * @module
 * Executors as resources. `inline()` (and, with the executors issue,
 * `threads()` and `processes()`) return resource definitions for the
 * `executor` key of a resource set; `executor()` picks its implementation
 * from config (`{ kind: 'inline' | 'threads' | 'processes', ...options }`),
 * so switching between in-process and parallel execution is a config change.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ResourceSetError } from '../errors/resources.ts';
import {
  isResourceDefinition,
  makeDefinition,
  type ResourceDefinition,
} from '../resources/resource.ts';
import { processGlobal } from '../util/process-global.ts';
import type { Executor } from './executor.ts';
import { createInlineExecutor, type InlineOptions } from './inline.ts';
import type { ParallelOptions, ProcessesOptions } from './pool/options.ts';
import { processesExecutor } from './processes.ts';
import { threadsExecutor } from './threads.ts';

/** Makes an executor of one kind from its options. */
export type ExecutorFactory = (
  options: Readonly<Record<string, unknown>>,
) => Executor | Promise<Executor>;

// One registry per process, shared by every copy of weft loaded in it.
const factories = processGlobal('weft.executorKinds', () => new Map<string, ExecutorFactory>());
factories.set('inline', (options) => createInlineExecutor(options as InlineOptions));
factories.set('threads', (options) => threadsExecutor(options as ParallelOptions));
factories.set('processes', (options) => processesExecutor(options as ProcessesOptions));

/** Makes `kind` available to `executor()`, the `executor` run option and config files (for plugins). */
export function registerExecutorKind(kind: string, factory: ExecutorFactory): void {
  factories.set(kind, factory);
}

/** The kinds `executor()` knows. */
export function executorKinds(): string[] {
  return [...factories.keys()];
}

/** How an executor is chosen: a kind, a kind with options, a definition, or an executor itself. */
export type ExecutorChoice =
  | string
  | { readonly kind: string; readonly [option: string]: unknown }
  | ResourceDefinition<Executor>
  | Executor;

/**
 * The definition a choice stands for: a kind (`'threads'`), a kind with
 * options (`{ kind: 'threads', max: 4 }`), or an executor definition itself.
 * `what` names the choice in errors.
 */
export function definitionOfChoice(
  choice: Exclude<ExecutorChoice, Executor>,
  what = 'the executor option',
): ResourceDefinition<Executor> {
  if (isResourceDefinition(choice)) {
    if (choice.role !== 'executor') {
      throw new ResourceSetError(`${what} got a resource definition that is not an executor`);
    }
    return choice as ResourceDefinition<Executor>;
  }
  if (typeof choice === 'string') return executorOfKind(choice);
  if (typeof choice === 'object' && choice !== null && typeof choice.kind === 'string') {
    const { kind, ...rest } = choice;
    return executorOfKind(kind, rest);
  }
  throw new ResourceSetError(
    `${what} must be a kind ('inline', 'threads', 'processes'), { kind, ...options }, an executor definition, or an executor`,
  );
}

/** An executor definition of a known kind with the given options. */
export function executorOfKind(
  kind: string,
  options: Readonly<Record<string, unknown>> = {},
): ResourceDefinition<Executor> {
  return makeDefinition<Executor>(
    // The kind is fixed here: config may add options but not change it.
    {
      config: kindSchema(kind, true),
      create: ({ config }) => build(config as KindConfig, options),
    },
    'executor',
  );
}

/**
 * An executor whose kind and options come from config, defaulting to `defaults`.
 * @example
 * const prod = resourceSet({ executor: executor({ kind: 'inline' }) });
 * await run(main, { resources: prod, config: { executor: { kind: 'threads', max: 4 } } });
 */
export function executor(
  defaults: { readonly kind?: string; readonly [option: string]: unknown } = {},
): ResourceDefinition<Executor> {
  return makeDefinition<Executor>(
    {
      config: kindSchema(defaults.kind ?? 'inline', false),
      create: ({ config }) => build(config as KindConfig, defaults),
    },
    'executor',
  );
}

/**
 * The in-process executor, as a resource definition.
 * @example
 * const dev = resourceSet({ executor: inline({ concurrency: 8 }) });
 */
export function inline(options: InlineOptions = {}): ResourceDefinition<Executor> {
  createInlineExecutor(options); // check the options now, not when the run starts
  return makeDefinition<Executor>({ create: () => createInlineExecutor(options) }, 'executor');
}

/**
 * Worker threads, as a resource definition: tasks run in up to `max` threads,
 * which import each task's module and find the task by name.
 * @example
 * const prod = resourceSet({ executor: threads({ max: 4 }) });
 */
export function threads(options: ParallelOptions = {}): ResourceDefinition<Executor> {
  return makeDefinition<Executor>({ create: () => threadsExecutor(options) }, 'executor');
}

/**
 * Child processes, as a resource definition: isolation, memory limits, crash containment.
 * @example
 * const prod = resourceSet({ executor: processes({ max: 2, memoryLimitMb: 256 }) });
 */
export function processes(options: ProcessesOptions = {}): ResourceDefinition<Executor> {
  return makeDefinition<Executor>({ create: () => processesExecutor(options) }, 'executor');
}

interface KindConfig {
  readonly kind: string;
  readonly [option: string]: unknown;
}

function build(
  config: KindConfig,
  defaults: Readonly<Record<string, unknown>>,
): Executor | Promise<Executor> {
  const { kind, ...options } = config;
  const { kind: _ignored, ...base } = defaults;
  return factories.get(kind)!({ ...base, ...options });
}

/** Config of an executor: `{ kind, ...options }`, where kind must be registered. */
function kindSchema(defaultKind: string, fixed: boolean): StandardSchemaV1<unknown, KindConfig> {
  return {
    '~standard': {
      version: 1,
      vendor: 'weft',
      validate(value: unknown) {
        const config = value === undefined ? {} : value;
        if (typeof config !== 'object' || config === null || Array.isArray(config)) {
          return { issues: [{ message: 'expected an object like { kind: "threads", max: 4 }' }] };
        }
        const kind = fixed ? defaultKind : ((config as { kind?: unknown }).kind ?? defaultKind);
        if (typeof kind !== 'string' || !factories.has(kind)) {
          return {
            issues: [
              {
                message: `unknown executor kind; expected one of: ${executorKinds().join(', ')}`,
                path: ['kind'],
              },
            ],
          };
        }
        return { value: { ...(config as object), kind } };
      },
    },
  };
}
