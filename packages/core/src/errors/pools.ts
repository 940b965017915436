/**
 * @module
 * Errors of executor pools: a task naming a pool the executor lacks, and a
 * pool that could not be created. (Malformed `pools()` options are
 * `InvalidOptionError`s, like every other option.)
 */
import { WeftError } from './base.ts';

/** A task names a pool that the run's executor does not have. */
export class UnknownPoolError extends WeftError {
  readonly task: string;
  readonly pool: string;
  readonly pools: readonly string[];
  constructor(task: string, pool: string, pools: readonly string[], executor: string) {
    super(
      'WEFT_UNKNOWN_POOL',
      `task ${task} asks for pool "${pool}", which executor "${executor}" does not have ` +
        `(its pools: ${pools.join(', ')}); name one of those in the task's pool option, ` +
        `or add a pool "${pool}" to the executor's pools`,
    );
    this.task = task;
    this.pool = pool;
    this.pools = pools;
  }
}

/** A pool's executor could not be created; the pools created before it were disposed. */
export class PoolCreateError extends WeftError {
  readonly pool: string;
  constructor(pool: string, cause: unknown) {
    super(
      'WEFT_POOL_CREATE',
      `pool "${pool}" could not be created: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.pool = pool;
  }
}
