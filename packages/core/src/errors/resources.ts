/**
 * @module
 * Errors of resource sets and their resolution. Each names the resource at
 * fault; none ever carries a configuration value (values may be secrets).
 */
import { WeftError } from './base.ts';

/** A set or a task names a resource the set does not have. */
export class MissingResourceError extends WeftError {
  readonly resource: string;
  constructor(resource: string, neededBy: string, available: readonly string[]) {
    super(
      'WEFT_MISSING_RESOURCE',
      `${neededBy} needs resource "${resource}", which this resource set lacks ` +
        `(it has: ${available.length === 0 ? 'nothing' : available.join(', ')})`,
    );
    this.resource = resource;
  }
}

/** Resources depend on each other in a circle. */
export class ResourceCycleError extends WeftError {
  readonly cycle: readonly string[];
  constructor(cycle: readonly string[]) {
    super(
      'WEFT_RESOURCE_CYCLE',
      `resources depend on each other in a cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
    );
    this.cycle = cycle;
  }
}

/** A resource set is malformed (two executors, a value that is not a definition). */
export class ResourceSetError extends WeftError {
  constructor(message: string) {
    super('WEFT_RESOURCE_SET', message);
  }
}

/** A resource's configuration fails its schema. Names the resource and the path, never the value. */
export class ConfigError extends WeftError {
  readonly resource: string;
  readonly issues: readonly { readonly path: string; readonly message: string }[];
  constructor(
    resource: string,
    issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(
      'WEFT_CONFIG',
      `invalid config for resource "${resource}":\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
    );
    this.resource = resource;
    this.issues = issues;
  }
}

/** A resource's `create` threw. */
export class ResourceCreateError extends WeftError {
  readonly resource: string;
  constructor(resource: string, cause: unknown) {
    super(
      'WEFT_RESOURCE_CREATE',
      `resource "${resource}" could not be created: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.resource = resource;
  }
}

/** A task needs a resource that cannot be rebuilt where the executor (or its pool) runs it. */
export class NotProcessSafeError extends WeftError {
  readonly resource: string;
  /** The task's pool, when the executor has pools. */
  readonly pool: string | undefined;
  /**
   * With pools, `pool` names the task's pool and `here` the pools that run
   * tasks in this process.
   */
  constructor(
    resource: string,
    task: string,
    executor: string,
    pool?: { readonly name: string; readonly here: readonly string[] },
  ) {
    const what = `task ${task} needs resource "${resource}", which cannot be rebuilt in another process (processSafe: false), but `;
    super(
      'WEFT_NOT_PROCESS_SAFE',
      pool === undefined
        ? `${what}executor "${executor}" runs tasks outside this process; ` +
            'use an executor that runs tasks here (inline), or a resource that can be rebuilt in a worker'
        : `${what}its pool "${pool.name}" (executor "${executor}") runs tasks outside this process; ` +
            (pool.here.length === 0
              ? 'add a pool that runs tasks here (inline) and send the task to it'
              : `send the task to a pool that runs tasks here (${pool.here.join(', ')})`) +
            ' with its pool option, or use a resource that can be rebuilt in a worker',
    );
    this.resource = resource;
    this.pool = pool?.name;
  }
}

/** The configuration file could not be found, loaded, or has no such mode. */
export class ConfigFileError extends WeftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WEFT_CONFIG_FILE', message, options);
  }
}

/** A resource's disposer did not finish in time; the run goes on disposing the others. */
export class ResourceDisposeTimeoutError extends WeftError {
  readonly resource: string;
  readonly timeoutMs: number;
  constructor(resource: string, timeoutMs: number) {
    super(
      'WEFT_RESOURCE_DISPOSE_TIMEOUT',
      `disposing "${resource}" took longer than ${timeoutMs} ms`,
    );
    this.resource = resource;
    this.timeoutMs = timeoutMs;
  }
}
