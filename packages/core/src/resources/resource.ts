/**
 * @module
 * `resource(definition)`: anything whose implementation varies by
 * environment (a database client, a store, a logger, the executor itself),
 * with one shape and one lifecycle. A resource has no name of its own: its
 * name is its key in a resource set.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Logger } from '../vocabulary/logger.ts';
import type { ResourcesFor } from '../vocabulary/resource-types.ts';

export type { ResourcesFor, ResourceTypes } from '../vocabulary/resource-types.ts';

/** What `create` receives. */
export interface ResourceContext<Config = unknown, Deps extends string = string> {
  /** The validated config of this resource (from its schema; undefined without one). */
  readonly config: Config;
  /** The resources named in `dependsOn`, created before this one. */
  readonly resources: ResourcesFor<Deps>;
  readonly runId: string;
  /** The run's parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly log: Logger;
  /** Aborts when the scope that owns the resource is cancelled. */
  readonly signal: AbortSignal;
}

/** A value with an explicit disposer, as `create` may return it. */
export interface Disposing<T> {
  readonly value: T;
  readonly dispose: () => void | Promise<void>;
}

/** Where a resource lives: once per run in the coordinator, or once per worker process. */
export type ResourceScope = 'run' | 'worker';

/** What `resource()` takes. */
export interface ResourceOptions<T, S extends StandardSchemaV1 | undefined, Deps extends string> {
  /** Schema of the resource's config: any Standard Schema (zod, valibot, arktype). */
  readonly config?: S;
  /** Keys of the resources this one is made from. */
  readonly dependsOn?: readonly Deps[];
  /** @default 'run' */
  readonly scope?: ResourceScope;
  /** Whether it can be rebuilt in another process (an in-memory store cannot). @default true */
  readonly processSafe?: boolean;
  create(
    ctx: ResourceContext<
      S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : undefined,
      Deps
    >,
  ): T | Disposing<T> | Promise<T | Disposing<T>>;
}

const RESOURCE = Symbol.for('weft.resource');

/** A resource definition: put it in a resource set under the name it is used by. */
export interface ResourceDefinition<T = unknown> {
  readonly [RESOURCE]: true;
  readonly config: StandardSchemaV1 | undefined;
  readonly dependsOn: readonly string[];
  readonly scope: ResourceScope;
  readonly processSafe: boolean;
  /** Set by executor factories: this resource is the set's executor. */
  readonly role: 'executor' | undefined;
  create(ctx: ResourceContext<unknown, string>): T | Disposing<T> | Promise<T | Disposing<T>>;
}

/**
 * Defines a resource.
 * @example
 * const db = resource({
 *   config: z.object({ path: z.string() }),
 *   create: ({ config }) => {
 *     const value = new DatabaseSync(config.path);
 *     return { value, dispose: () => value.close() };
 *   },
 * });
 */
export function resource<
  T,
  S extends StandardSchemaV1 | undefined = undefined,
  const Deps extends string = never,
>(options: ResourceOptions<T, S, Deps>): ResourceDefinition<T> {
  return makeDefinition(options, undefined);
}

/** @internal For executor factories. */
export function makeDefinition<T>(
  options: ResourceOptions<T, StandardSchemaV1 | undefined, string>,
  role: 'executor' | undefined,
): ResourceDefinition<T> {
  return Object.freeze({
    [RESOURCE]: true as const,
    config: options.config,
    dependsOn: Object.freeze([...(options.dependsOn ?? [])]),
    scope: options.scope ?? 'run',
    processSafe: options.processSafe ?? true,
    role,
    create: options.create as ResourceDefinition<T>['create'],
  });
}

export function isResourceDefinition(value: unknown): value is ResourceDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[RESOURCE] === true
  );
}

/** True for what `create` returned as `{ value, dispose }`. */
export function isDisposing(value: unknown): value is Disposing<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 2 &&
    'value' in value &&
    typeof (value as { dispose?: unknown }).dispose === 'function'
  );
}
