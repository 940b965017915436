/**
 * @module
 * What a run takes: its options, each optional with a documented default,
 * and `compileRunOptions`, which checks them all once and fills in the
 * defaults, so that nothing further down validates them again.
 */
import { resolve } from 'node:path';
import { CACHE_MODES, type CacheMode } from '../cache/task-cache.ts';
import { InvalidOptionError } from '../errors/run.ts';
import type { EventListener } from '../events/events.ts';
import type { ExecutorChoice } from '../executor/kinds.ts';
import type { ResourceSet } from '../resources/resource-set.ts';
import { type Duration, parseDuration } from '../util/duration.ts';
import type { Logger } from '../vocabulary/logger.ts';

export interface RunOptions {
  /** The resource set to run under (a mode given directly). */
  readonly resources?: ResourceSet;
  /** The mode to load from the nearest `weft.config.ts` (else `WEFT_MODE`). */
  readonly mode?: string;
  /** Where to look for `weft.config.ts` from. @default process.cwd() */
  readonly cwd?: string;
  /** Config values keyed by resource name: `{ db: { url } }`. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Config overrides by path: `{ 'db.url': '...' }`. They win over every other source. */
  readonly set?: Readonly<Record<string, unknown>>;
  /** The run's parameters, given to resources as `ctx.params`. */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * Where tasks run, overriding the mode's executor: a kind (`'inline'`), a kind
   * with options (`{ kind: 'inline', concurrency: 4 }`), an executor definition
   * (`inline()`), or an executor. @default the mode's, else inline()
   */
  readonly executor?: ExecutorChoice;
  /** Run every task that does not depend on a failure, instead of stopping at the first. @default false */
  readonly keepGoing?: boolean;
  /** The run's id. @default a new time-ordered id */
  readonly runId?: string;
  /** Receives every log record written through a task's `ctx.log`, with its task. */
  readonly logger?: Logger;
  /** Called synchronously with every event of the run. */
  readonly onEvent?: EventListener;
  /** Cancels the run when it aborts. */
  readonly signal?: AbortSignal;
  /** How long a cancelled or failed run waits for running tasks to notice their signal. @default '5s' */
  readonly cancelGrace?: Duration;
  /**
   * Whether tasks that ask for caching take results recorded by earlier runs
   * (`read`), record theirs for later runs (`write`), both, or neither. @default 'readwrite'
   */
  readonly cache?: CacheMode;
  /** The workflow module recorded with the run (what `weft resume` imports). @default the module that called run() */
  readonly workflow?: string;
  /**
   * The SQLite file the run is recorded in (its artifacts go beside it), when
   * the resource set has no `runStore`. @default `.weft/weft.db` beside the
   * nearest weft.config.ts from `cwd`, else in `cwd`
   */
  readonly store?: string;
  /**
   * Whether the run is recorded in the run store. Without a record there is
   * no resume, no cache and nothing for `weft runs`: for dry runs and for
   * measuring the scheduler alone. @default true
   */
  readonly record?: boolean;
  /** Retries of tasks that do not set their own `retries`. @default 0 */
  readonly retries?: number;
  /** Continue the recorded run with this id (see `resume`). */
  readonly resume?: string;
  /** Reuse the successful results of the recorded run with this id (see `rerun`). */
  readonly reuseFrom?: string;
}

/** Run options checked, with every default filled in. */
export interface CompiledRunOptions {
  readonly resources: ResourceSet | undefined;
  readonly mode: string | undefined;
  /** An absolute directory. */
  readonly cwd: string;
  readonly config: Readonly<Record<string, unknown>> | undefined;
  readonly set: Readonly<Record<string, unknown>> | undefined;
  readonly params: Readonly<Record<string, unknown>>;
  readonly executor: ExecutorChoice | undefined;
  readonly keepGoing: boolean;
  readonly runId: string | undefined;
  readonly logger: Logger | undefined;
  readonly onEvent: EventListener | undefined;
  readonly signal: AbortSignal | undefined;
  readonly cancelGraceMs: number;
  readonly cache: CacheMode;
  readonly workflow: string | undefined;
  readonly store: string | undefined;
  readonly record: boolean;
  readonly retries: number;
  readonly resume: string | undefined;
  readonly reuseFrom: string | undefined;
}

/**
 * Checks run options and fills in their defaults; throws
 * `InvalidOptionError` naming the option and what it must be.
 * @example
 * const o = compileRunOptions({ retries: 2 }); // o.cancelGraceMs === 5000
 */
export function compileRunOptions(options: RunOptions = {}): CompiledRunOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('run: options must be an object');
  }
  const o = options;
  const record = o.record ?? true;
  if (typeof record !== 'boolean')
    throw new InvalidOptionError('run: record must be true or false');
  if (!record && (o.resume ?? o.reuseFrom) !== undefined) {
    throw new InvalidOptionError('run: a run that is not recorded cannot resume or reuse one');
  }
  if (o.resume !== undefined && o.reuseFrom !== undefined) {
    throw new InvalidOptionError('run: resume and reuseFrom cannot be given together');
  }
  for (const key of ['resume', 'reuseFrom', 'runId', 'mode', 'workflow', 'store', 'cwd'] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new InvalidOptionError(
        `run: ${key} must be a non-empty string, got ${JSON.stringify(v)}`,
      );
    }
  }
  const cache = o.cache ?? 'readwrite';
  if (!CACHE_MODES.includes(cache)) {
    throw new InvalidOptionError(
      `run: cache must be one of ${CACHE_MODES.join(', ')}, got ${JSON.stringify(o.cache)}`,
    );
  }
  const retries = o.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0 || retries > 1000) {
    throw new InvalidOptionError(
      `run: retries must be a whole number from 0 to 1000, got ${String(o.retries)}`,
    );
  }
  for (const key of ['config', 'set', 'params'] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) {
      throw new InvalidOptionError(`run: ${key} must be a plain object`);
    }
  }
  if (o.onEvent !== undefined && typeof o.onEvent !== 'function') {
    throw new InvalidOptionError('run: onEvent must be a function');
  }
  return {
    resources: o.resources,
    mode: o.mode,
    cwd: resolve(o.cwd ?? process.cwd()),
    config: o.config,
    set: o.set,
    params: o.params ?? {},
    executor: o.executor,
    keepGoing: o.keepGoing ?? false,
    runId: o.resume ?? o.runId,
    logger: o.logger,
    onEvent: o.onEvent,
    signal: o.signal,
    cancelGraceMs: parseDuration(o.cancelGrace ?? '5s', 'run: cancelGrace'),
    cache,
    workflow: o.workflow,
    store: o.store,
    record,
    retries,
    resume: o.resume,
    reuseFrom: o.reuseFrom,
  };
}
