/**
 * @module
 * `task(name | options, fn)`: defines a task. A task is an ordinary async
 * function with a stable name; `submit` turns a call of it into a node of the
 * run's graph. Options are compiled once here, never on the hot path.
 */
import { resolve } from 'node:path';
import { describeValue } from '../errors/base.ts';
import { InvalidOptionError } from '../errors/run.ts';
import { callerModule } from '../util/caller-module.ts';
import { type Duration, parseDuration } from '../util/duration.ts';
import type { Logger } from './logger.ts';
import {
  type CompiledRequirements,
  compileRequirements,
  type Requirements,
} from './requirements.ts';
import type { ResourcesFor } from './resource-types.ts';

/** What a running task receives as its first argument. */
export interface TaskContext<R = Readonly<Record<string, unknown>>> {
  /** The run this task belongs to. */
  readonly runId: string;
  /** The task instance's id, unique and stable within its run. */
  readonly taskId: number;
  /** The task's name. */
  readonly name: string;
  /** The attempt being run, starting at 1. */
  readonly attempt: number;
  /** The label given with `task.with({ label })`, if any. */
  readonly label: string | undefined;
  /** A logger whose records are attributed to this task and attempt. */
  readonly log: Logger;
  /** Fires when the attempt times out or the run is cancelled. */
  readonly signal: AbortSignal;
  /** The resources the task declared (`task({ resources: ['db'] }, ...)`), created for it. */
  readonly resources: R;
}

/** How retries wait: exponential backoff with jitter. */
export interface BackoffOptions {
  /** Delay before the first retry. @default '100ms' */
  readonly initial?: Duration;
  /** Upper bound of any delay. @default '30s' */
  readonly max?: Duration;
  /** Growth of the delay per attempt. @default 2 */
  readonly factor?: number;
  /** Randomise each delay between half and all of its value. @default true */
  readonly jitter?: boolean;
}

/** Options that can be given per submission with `task.with(...)`. */
export interface SubmitOptions {
  /** A name for this submission, unique in its run. */
  readonly label?: string;
  /** How many times a failed attempt is retried. @default 0 */
  readonly retries?: number;
  readonly backoff?: BackoffOptions;
  /** Time limit of one attempt; the signal fires and the attempt fails with TimeoutError. */
  readonly timeout?: Duration;
  /** What the task needs while it runs; see `Requirements`. */
  readonly requirements?: Requirements;
  /** Higher runs first among ready tasks. @default 0 */
  readonly priority?: number;
  /**
   * Skip the task when a run already computed it: same name and version,
   * same inputs, same resource config. Opt-in, since tasks may have side
   * effects. @default false (true for command tasks that declare outputs)
   */
  readonly cache?: boolean;
  /** The task's version in its cache key. @default a hash of its function's source */
  readonly version?: string;
  /**
   * The pool of the run's executor the task runs in, when the executor is a
   * set of pools (`pools({ local: threads(), cluster: queue() }, { default:
   * 'local' })`); a pool the executor lacks is an error at submit. Under an
   * executor without pools the option is ignored (with one warning per pool
   * name), so the same code runs on every executor.
   * @default the pool of the task that submitted it; from the run's main
   * code, the executor's default pool
   */
  readonly pool?: string;
}

/** Options of `task({ ... }, fn)`. */
export interface TaskOptions<K extends string = string, A extends AnyArgs = AnyArgs>
  extends Omit<SubmitOptions, 'label'> {
  /** The task's stable identity. */
  readonly name: string;
  /** Names of the resources the task uses, as `ctx.resources.<name>`; checked at submit. */
  readonly resources?: readonly K[];
  /**
   * The files the task reads, from its arguments (futures replaced by their
   * values): their content joins its cache key, so an edited file is a
   * cache miss. Relative paths are resolved against the working directory.
   * A missing file (or a function that throws or returns something other
   * than an array of paths) makes that submission uncacheable: it runs.
   * @example task({ name: 'count', cache: true, inputs: (path) => [path] },
   *   async (ctx, path: string) => (await readFile(path, 'utf8')).split('\n').length)
   * @default none: files the task reads are not part of its cache key
   */
  readonly inputs?: (...args: A) => readonly string[];
}

/** Options as the scheduler uses them: validated, parsed, defaults filled in. */
export interface CompiledTaskOptions {
  readonly name: string;
  /** -1 when the task does not say: the run's default applies (0 unless set). */
  readonly retries: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly backoffFactor: number;
  readonly backoffJitter: boolean;
  /** 0 when the task has no timeout. */
  readonly timeoutMs: number;
  readonly requirements: CompiledRequirements | undefined;
  readonly priority: number;
  readonly cache: boolean;
  readonly version: string | undefined;
  /** The executor pool the task asks for; undefined: the default pool. */
  readonly pool: string | undefined;
  /**
   * The files a submission reads and writes, from its arguments (futures
   * replaced by values); set by `command()` and by the `inputs` option.
   * Their content is part of the cache key, and a cache hit needs the
   * outputs unchanged. Undefined from the function: the submission is not
   * cacheable.
   */
  readonly files?: (args: readonly unknown[]) => TaskFiles | undefined;
  /** Names of the resources the task uses. */
  readonly resources: readonly string[];
  /**
   * URL of the module that called `task()`, where a worker in another thread
   * or process imports the task from (by its name among the module's exports).
   */
  readonly module: string | undefined;
}

/** The files a task reads and writes, as absolute paths. */
export interface TaskFiles {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

// biome-ignore lint/suspicious/noExplicitAny: task arguments are checked at submit, per task.
export type AnyArgs = any[];

/** The function behind a task. */
export type TaskFn<A extends AnyArgs, R> = (ctx: TaskContext, ...args: A) => R | Promise<R>;

const TASK = Symbol.for('weft.task');
const NO_RESOURCES: readonly string[] = Object.freeze([]);

/** A task definition. Pass it to `submit`; call `.with()` for a variant. */
export interface Task<A extends AnyArgs = AnyArgs, R = unknown> {
  readonly name: string;
  readonly options: CompiledTaskOptions;
  readonly fn: TaskFn<A, R>;
  /** The label of this submission variant (`task.with({ label })`), if any. */
  readonly label: string | undefined;
  /** A variant of this task for one submission, with some options replaced. */
  with(options: SubmitOptions): Task<A, R>;
}

class TaskDefinition<A extends AnyArgs, R> implements Task<A, R> {
  readonly name: string;
  readonly options: CompiledTaskOptions;
  readonly fn: TaskFn<A, R>;
  readonly label: string | undefined;

  constructor(options: CompiledTaskOptions, fn: TaskFn<A, R>, label?: string) {
    this.name = options.name;
    this.options = options;
    this.fn = fn;
    this.label = label;
  }

  get [TASK](): true {
    return true;
  }

  with(options: SubmitOptions): Task<A, R> {
    // The common variant, a label per submission, shares the compiled
    // options: a labelled submission costs one small object.
    const label = options?.label ?? this.label;
    if (onlyLabel(options)) {
      checkLabel(label, this.name);
      return new TaskDefinition(this.options, this.fn, label);
    }
    return new TaskDefinition(compileOptions(options, this.name, this.options), this.fn, label);
  }
}

function checkLabel(label: unknown, name: string): void {
  if (label !== undefined && (typeof label !== 'string' || label === '')) {
    throw new InvalidOptionError(`task ${name}: a label must be a non-empty string`);
  }
}

/** True for `{ label }` and nothing else. */
function onlyLabel(options: SubmitOptions): boolean {
  if (typeof options !== 'object' || options === null) return false;
  let n = 0;
  for (const key in options) {
    if (key !== 'label' || ++n > 1) return false;
  }
  return n === 1;
}

/**
 * Defines a task: a named async function whose first argument is its context.
 * @example
 * export const load = task('load', async (ctx, path: string) => readRows(path));
 * export const clean = task({ name: 'clean', retries: 2, timeout: '30s' },
 *   async (ctx, rows: Row[]) => rows.filter(isValid));
 */
export function task<const K extends string, A extends AnyArgs, R>(
  options: TaskOptions<K, A> & { readonly resources: readonly K[] },
  fn: (ctx: TaskContext<ResourcesFor<K>>, ...args: A) => R | Promise<R>,
): Task<A, Awaited<R>>;
export function task<A extends AnyArgs, R>(
  nameOrOptions: string | TaskOptions<string, A>,
  fn: TaskFn<A, R>,
): Task<A, Awaited<R>>;
export function task<A extends AnyArgs, R>(
  nameOrOptions: string | TaskOptions,
  fn: TaskFn<A, R>,
): Task<A, Awaited<R>> {
  return defineTask(nameOrOptions, fn, callerModule(task));
}

/**
 * `task()` for functions that define tasks on their callers' behalf (such as
 * `command()`): the task is recorded as defined by `module`, which they read
 * with `callerModule(themselves)`, since a worker imports the task from there.
 * @internal
 * @example
 * export function command(nameOrOptions, spec) {
 *   return defineTask(nameOrOptions, (ctx, ...args) => ..., callerModule(command));
 * }
 */
export function defineTask<A extends AnyArgs, R>(
  nameOrOptions: string | TaskOptions,
  fn: TaskFn<A, R>,
  module: string | undefined,
  files?: (args: readonly unknown[]) => TaskFiles | undefined,
  cacheByDefault = false,
): Task<A, Awaited<R>> {
  const options: TaskOptions =
    typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('task() expects a name or an options object with a name');
  }
  const name = options.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
    throw new InvalidOptionError(
      `task() needs a non-empty name of at most 200 characters, got ${JSON.stringify(name)}`,
    );
  }
  if (typeof fn !== 'function') {
    throw new InvalidOptionError(
      `task ${name}: the second argument must be a function (ctx, ...args) => result`,
    );
  }
  const resources = options.resources ?? NO_RESOURCES;
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string' || r === '')) {
    throw new InvalidOptionError(`task ${name}: resources must be an array of resource names`);
  }
  const inputs = options.inputs;
  if (inputs !== undefined && typeof inputs !== 'function') {
    throw new InvalidOptionError(
      `task ${name}: inputs must be a function from the task's arguments to the paths of the ` +
        `files it reads, such as inputs: (path) => [path]; got ${describeValue(inputs)}`,
    );
  }
  const allFiles = inputs === undefined ? files : withInputs(inputs, files);
  const compiled = {
    ...compileOptions(options, name, undefined),
    resources: Object.freeze([...new Set(resources)]),
    module,
    ...(allFiles === undefined ? {} : { files: allFiles }),
    cache: options.cache ?? cacheByDefault,
  };
  return new TaskDefinition(compiled, fn) as unknown as Task<A, Awaited<R>>;
}

const NO_FILES: TaskFiles = { inputs: [], outputs: [] };

/**
 * The files of a submission with those its `inputs` option names added, as
 * absolute paths; undefined (not cacheable) when either side cannot tell.
 */
function withInputs(
  inputs: (...args: AnyArgs) => readonly string[],
  files: ((args: readonly unknown[]) => TaskFiles | undefined) | undefined,
): (args: readonly unknown[]) => TaskFiles | undefined {
  return (args) => {
    const own = files === undefined ? NO_FILES : files(args);
    if (own === undefined) return undefined;
    let paths: unknown;
    try {
      paths = inputs(...args);
    } catch {
      return undefined;
    }
    if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string' || p === '')) {
      return undefined;
    }
    return {
      inputs: [...own.inputs, ...paths.map((p: string) => resolve(p))],
      outputs: own.outputs,
    };
  };
}

/** True for a task made by `task()`, from any copy of weft loaded in this realm. */
export function isTask(value: unknown): value is Task {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TASK] === true
  );
}

function compileOptions(
  o: SubmitOptions,
  name: string,
  base: CompiledTaskOptions | undefined,
): CompiledTaskOptions {
  const retries = o.retries ?? base?.retries ?? -1;
  if (
    !Number.isInteger(retries) ||
    retries < -1 ||
    retries > 1000 ||
    (retries === -1 && o.retries !== undefined)
  ) {
    throw new InvalidOptionError(
      `task ${name}: retries must be a whole number from 0 to 1000, got ${String(retries)}`,
    );
  }
  const priority = o.priority ?? base?.priority ?? 0;
  if (!Number.isInteger(priority) || Math.abs(priority) > 2 ** 30) {
    throw new InvalidOptionError(
      `task ${name}: priority must be a whole number, got ${String(priority)}`,
    );
  }
  if (o.cache !== undefined && typeof o.cache !== 'boolean') {
    throw new InvalidOptionError(`task ${name}: cache must be true or false`);
  }
  if (o.version !== undefined && (typeof o.version !== 'string' || o.version === '')) {
    throw new InvalidOptionError(`task ${name}: version must be a non-empty string`);
  }
  if (o.pool !== undefined && (typeof o.pool !== 'string' || o.pool === '')) {
    throw new InvalidOptionError(
      `task ${name}: pool must be the non-empty name of one of the executor's pools, got ${describeValue(o.pool)}`,
    );
  }
  checkLabel(o.label, name);
  const b = o.backoff;
  const factor = b?.factor ?? base?.backoffFactor ?? 2;
  if (!(factor >= 1)) throw new InvalidOptionError(`task ${name}: backoff.factor must be >= 1`);
  const ms = (d: Duration | undefined, what: string, fallback: number): number =>
    d === undefined ? fallback : parseDuration(d, `task ${name}: ${what}`);
  return {
    name,
    retries,
    backoffInitialMs: ms(b?.initial, 'backoff.initial', base?.backoffInitialMs ?? 100),
    backoffMaxMs: ms(b?.max, 'backoff.max', base?.backoffMaxMs ?? 30_000),
    backoffFactor: factor,
    backoffJitter: b?.jitter ?? base?.backoffJitter ?? true,
    timeoutMs: ms(o.timeout, 'timeout', base?.timeoutMs ?? 0),
    requirements:
      o.requirements !== undefined ? compileRequirements(o.requirements, name) : base?.requirements,
    priority,
    cache: o.cache ?? base?.cache ?? false,
    version: o.version ?? base?.version,
    pool: o.pool ?? base?.pool,
    resources: base?.resources ?? NO_RESOURCES,
    module: base?.module,
    ...(base?.files === undefined ? {} : { files: base.files }),
  };
}
