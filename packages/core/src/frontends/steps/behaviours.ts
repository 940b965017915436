/**
 * @module
 * Run behaviours: the ordered chain of small named functions around a
 * step's action, middleware-style (`run(ctx, next)`). The built-in ones map
 * onto what the scheduler already does for every node, so that futures,
 * targets and steps share one mechanism:
 *
 * | behaviour           | when the node is added                  | around the attempt          |
 * | ------------------- | --------------------------------------- | --------------------------- |
 * | `cache`             | node option `cache: true` (the run's    | passes on (a hit never      |
 * |                     | dispatch chain skips a recorded result) | reaches the attempt)        |
 * | `wait-for-producers`| the producers' nodes become its inputs  | passes on (values are here) |
 * | `pool`              | node option `pool` (ignored, with one   | passes on                   |
 * |                     | warning, under an executor without pools)|                            |
 * | `retry`             | node options `retries`, `backoff`       | passes on (the scheduler    |
 * |                     |                                         | starts each attempt)        |
 * | `timeout`           | node option `timeout` (per attempt)     | passes on (`ctx.signal`)    |
 *
 * A behaviour of one's own (`behaviour(name, run)`) acts around the
 * attempt only. Each behaviour has a rank that gives its defined place:
 * inserted, it goes right after the last behaviour of the chain whose rank
 * is not above its own (built-ins: cache 10, wait-for-producers 20, pool
 * 30, retry 40, timeout 50; one's own: 100, innermost), unless told
 * `before` or `after` another. A chain holds each name once.
 */
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import { StepBehaviourTwiceError, StepBehaviourUnknownError } from '../../errors/steps.ts';
import { type Duration, parseDuration } from '../../util/duration.ts';
import type { BackoffOptions, SubmitOptions } from '../../vocabulary/task.ts';
import type { StepContext } from './context.ts';

/** The node options the built-in behaviours set, as the step's node is added. */
export type NodeOptions = {
  -readonly [K in 'cache' | 'retries' | 'backoff' | 'timeout' | 'pool']?: SubmitOptions[K];
};

/** One behaviour of a step's chain. */
export interface StepBehaviour {
  /** Its name, unique in a chain. */
  readonly name: string;
  /** What it was configured with, for inspection. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Its place: inserted after the last behaviour of a rank not above it. */
  readonly rank: number;
  /** Sets the options of the step's node (in the coordinator, as the node is added). */
  readonly node?: (options: NodeOptions) => void;
  /**
   * Runs around the rest of the chain and the action, where the attempt
   * runs; it calls `next()` once to go on (not calling it skips the action:
   * then it puts the step's products itself).
   */
  readonly run?: (ctx: StepContext, next: () => Promise<void>) => Promise<void>;
}

/** A behaviour as `step.behaviours()` lists it. */
export interface BehaviourInfo {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Where to insert a behaviour: by its rank (the default), or next to another. */
export interface Placement {
  readonly before?: string;
  readonly after?: string;
}

export const CACHE = 'cache';
export const WAIT = 'wait-for-producers';
export const POOL = 'pool';
export const RETRY = 'retry';
export const TIMEOUT = 'timeout';
const OWN_RANK = 100;

/** Skip if redundant: the step's node asks for the run's cache. */
export function cacheBehaviour(): StepBehaviour {
  return {
    name: CACHE,
    options: {},
    rank: 10,
    node: (o) => {
      o.cache = true;
    },
  };
}

/** Wait for producers: the nodes of the steps that produce what it consumes are its inputs. */
export function waitBehaviour(): StepBehaviour {
  return { name: WAIT, options: {}, rank: 20 };
}

/** Run on the executor pool `pool` (a no-op, with one warning, under an executor without pools). */
export function poolBehaviour(pool: string): StepBehaviour {
  if (typeof pool !== 'string' || pool === '') {
    throw new InvalidOptionError(
      `onPool() takes the non-empty name of one of the executor's pools, got ${describeValue(pool)}`,
    );
  }
  return {
    name: POOL,
    options: { pool },
    rank: 30,
    node: (o) => {
      o.pool = pool;
    },
  };
}

/** Retry a failed attempt up to `retries` times, with backoff between attempts. */
export function retryBehaviour(retries: number, backoff?: BackoffOptions): StepBehaviour {
  if (!Number.isInteger(retries) || retries < 0 || retries > 1000) {
    throw new InvalidOptionError(
      `retry() takes a whole number of retries from 0 to 1000, got ${describeValue(retries)}`,
    );
  }
  return {
    name: RETRY,
    options: backoff === undefined ? { retries } : { retries, backoff },
    rank: 40,
    node: (o) => {
      o.retries = retries;
      if (backoff !== undefined) o.backoff = backoff;
    },
  };
}

/** Fail an attempt that runs longer than `limit` (its signal fires). */
export function timeoutBehaviour(limit: Duration): StepBehaviour {
  parseDuration(limit, 'timeout()');
  return {
    name: TIMEOUT,
    options: { timeout: limit },
    rank: 50,
    node: (o) => {
      o.timeout = limit;
    },
  };
}

/**
 * A behaviour of one's own around a step's attempt, innermost by default.
 * @example
 * const timed = behaviour('timed', async (ctx, next) => {
 *   const t0 = Date.now();
 *   await next();
 *   ctx.log.info(`took ${Date.now() - t0} ms`);
 * });
 * s.use(timed);
 */
export function behaviour(
  name: string,
  run: (ctx: StepContext, next: () => Promise<void>) => Promise<void>,
  options: Readonly<Record<string, unknown>> = {},
): StepBehaviour {
  if (typeof name !== 'string' || name === '') {
    throw new InvalidOptionError(`behaviour() needs a non-empty name, got ${describeValue(name)}`);
  }
  if (BUILT_IN.has(name)) {
    throw new InvalidOptionError(
      `behaviour ${name}: that is the name of a built-in behaviour; give yours another`,
    );
  }
  if (typeof run !== 'function') {
    throw new InvalidOptionError(
      `behaviour ${name}: run must be a function (ctx, next) => promise`,
    );
  }
  return { name, options: { ...options }, rank: OWN_RANK, run };
}

/** A chain entry given by name: a built-in, with its options (`['retry', { retries: 2 }]`). */
export type BehaviourSpec =
  | StepBehaviour
  | string
  | readonly [name: string, options?: Readonly<Record<string, unknown>>];

const BUILT_IN = new Map<string, (o: Readonly<Record<string, unknown>>) => StepBehaviour>([
  [CACHE, () => cacheBehaviour()],
  [WAIT, () => waitBehaviour()],
  [POOL, (o) => poolBehaviour(o.pool as string)],
  [RETRY, (o) => retryBehaviour((o.retries ?? 3) as number, o.backoff as BackoffOptions)],
  [TIMEOUT, (o) => timeoutBehaviour(o.timeout as Duration)],
]);

/** The built-in behaviours' names, in their order. */
export const BUILT_IN_NAMES: readonly string[] = [...BUILT_IN.keys()];

/** The behaviour a chain entry names; throws `StepBehaviourUnknownError` for a name weft does not know. */
export function resolveBehaviour(spec: BehaviourSpec, step: string): StepBehaviour {
  if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) {
    const b = spec as StepBehaviour;
    if (typeof b.name !== 'string' || b.name === '' || typeof b.rank !== 'number') {
      throw new InvalidOptionError(
        `step ${step}: ${describeValue(spec)} is not a behaviour (make one with behaviour(name, run))`,
      );
    }
    return b;
  }
  const [name, options] = typeof spec === 'string' ? [spec, {}] : [spec[0], spec[1] ?? {}];
  const make = typeof name === 'string' ? BUILT_IN.get(name) : undefined;
  if (make === undefined) throw new StepBehaviourUnknownError(step, String(name), BUILT_IN_NAMES);
  return make(options);
}

/**
 * Inserts `b` into `chain` (in place) at its defined place; throws
 * `StepBehaviourTwiceError` when the chain has a behaviour of that name.
 */
export function insertBehaviour(
  chain: StepBehaviour[],
  b: StepBehaviour,
  step: string,
  place: Placement = {},
): void {
  const names = chain.map((c) => c.name);
  if (names.includes(b.name)) throw new StepBehaviourTwiceError(step, b.name, names);
  const { before, after } = place;
  if (before !== undefined && after !== undefined) {
    throw new InvalidOptionError(
      `step ${step}: insert ${b.name} before or after another, not both`,
    );
  }
  const beside = before ?? after;
  if (beside !== undefined) {
    const at = names.indexOf(beside);
    if (at < 0) {
      throw new InvalidOptionError(
        `step ${step}: cannot insert ${b.name} ${before !== undefined ? 'before' : 'after'} ${beside}, ` +
          `which is not in its chain (${names.join(' > ')})`,
      );
    }
    chain.splice(before !== undefined ? at : at + 1, 0, b);
    return;
  }
  // After the last behaviour of a rank not above its own: a behaviour placed
  // by hand further out does not pull the built-ins out with it.
  let at = chain.length;
  while (at > 0 && chain[at - 1]!.rank > b.rank) at--;
  chain.splice(at, 0, b);
}

/** The node options that the chain's behaviours set, in chain order. */
export function nodeOptionsOf(chain: readonly StepBehaviour[]): NodeOptions {
  const options: NodeOptions = { cache: false };
  for (const b of chain) b.node?.(options);
  return options;
}

/** Anything with a chain to insert into: a step. */
export interface WithChain {
  use(spec: BehaviourSpec, place?: Placement): unknown;
}

/**
 * An adapter that runs a step on the executor pool `pool`: it inserts the
 * `pool` behaviour at its place (after wait-for-producers, before retry).
 * @example
 * onPool('cluster')(step('align', g, align).consumes(reads).produces(bam));
 */
export function onPool(pool: string): <S extends WithChain>(step: S) => S {
  const b = poolBehaviour(pool);
  return (s) => {
    s.use(b);
    return s;
  };
}

/** An adapter that inserts `retry` (up to `retries` retries of a failed attempt). */
export function retry(
  retries: number,
  backoff?: BackoffOptions,
): <S extends WithChain>(step: S) => S {
  const b = retryBehaviour(retries, backoff);
  return (s) => {
    s.use(b);
    return s;
  };
}

/** An adapter that inserts `timeout` (a limit per attempt). */
export function timeout(limit: Duration): <S extends WithChain>(step: S) => S {
  const b = timeoutBehaviour(limit);
  return (s) => {
    s.use(b);
    return s;
  };
}
