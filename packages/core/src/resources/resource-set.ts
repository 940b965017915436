/**
 * @module
 * `resourceSet({...})`: a mode. Maps names to resource definitions; some
 * names are roles the engine uses itself (`executor`, `runStore`,
 * `artifacts`, `logger`). Exactly one executor per set, under `executor`
 * (the in-process executor when the set has none).
 */
import { ResourceCycleError, ResourceSetError } from '../errors/resources.ts';
import { isResourceDefinition, type ResourceDefinition } from './resource.ts';

/** Names with a meaning to the engine. */
export const ROLES = ['executor', 'runStore', 'artifacts', 'logger'] as const;

const SET = Symbol.for('weft.resourceSet');

/** A named map of resource definitions; `T` maps each name to its value type. */
export interface ResourceSet<T extends Record<string, unknown> = Record<string, unknown>> {
  readonly [SET]: true;
  readonly definitions: Readonly<Record<string, ResourceDefinition>>;
  /** Type-level only: the value type of each resource. */
  readonly types?: T;
}

/** The value types of a set's resources, for `interface ResourceTypes extends ResourceValues<typeof prod> {}`. */
export type ResourceValues<S> = S extends ResourceSet<infer T> ? T : never;

type ValuesOf<D> = { [K in keyof D]: D[K] extends ResourceDefinition<infer V> ? V : never };

/**
 * Makes a resource set (a mode). Checks its shape at once: every value a
 * definition, at most one executor, and no cycle among `dependsOn`.
 * @example
 * const dev = resourceSet({ executor: inline(), db: memoryDb });
 */
export function resourceSet<D extends Record<string, ResourceDefinition<unknown>>>(
  definitions: D,
): ResourceSet<ValuesOf<D>> {
  if (typeof definitions !== 'object' || definitions === null) {
    throw new ResourceSetError(
      'resourceSet() expects an object mapping names to resource definitions',
    );
  }
  for (const [name, def] of Object.entries(definitions)) {
    if (!isResourceDefinition(def)) {
      throw new ResourceSetError(
        `resource "${name}" is not a resource definition; make it with resource({ create }) or an executor factory such as inline()`,
      );
    }
    if (def.role === 'executor' && name !== 'executor') {
      throw new ResourceSetError(
        definitions.executor !== undefined
          ? `two executors, "executor" and "${name}": a resource set has exactly one, under the name "executor"`
          : `resource "${name}" is an executor: a set's executor goes under the name "executor"`,
      );
    }
    if (name === 'executor' && def.role !== 'executor') {
      throw new ResourceSetError(
        'resource "executor" must be an executor definition, made by inline(), threads(), processes() or executor()',
      );
    }
  }
  const set: ResourceSet<ValuesOf<D>> = Object.freeze({
    [SET]: true as const,
    definitions: Object.freeze({ ...definitions }),
  });
  creationOrder(set.definitions, Object.keys(definitions), () => {});
  return set;
}

export function isResourceSet(value: unknown): value is ResourceSet {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SET] === true
  );
}

/** The same set with `name` replaced by `definition`. */
export function withResource(
  set: ResourceSet,
  name: string,
  definition: ResourceDefinition,
): ResourceSet {
  return Object.freeze({
    [SET]: true as const,
    definitions: Object.freeze({ ...set.definitions, [name]: definition }),
  });
}

/**
 * The keys to create for `wanted`, dependencies first. Throws
 * `ResourceCycleError` for a cycle; calls `missing(name, neededBy)` for a
 * dependency the set lacks.
 */
export function creationOrder(
  definitions: Readonly<Record<string, ResourceDefinition>>,
  wanted: readonly string[],
  missing: (name: string, neededBy: string) => void,
): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new ResourceCycleError(path.slice(path.indexOf(name), -1));
    const def = definitions[name];
    if (def === undefined) return;
    state.set(name, 'visiting');
    for (const dep of def.dependsOn) {
      if (definitions[dep] === undefined) missing(dep, `resource "${name}"`);
      else visit(dep, [...path, dep]);
    }
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of wanted) visit(name, [name]);
  return order;
}
