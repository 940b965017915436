/**
 * `resource()` and `resourceSet()`: the definitions' documented defaults, and
 * the shape checks a set makes at once (every value a definition, exactly
 * one executor under `executor`, no cycle among `dependsOn`).
 */

import {
  inline,
  ResourceCycleError,
  type ResourceDefinition,
  ResourceSetError,
  resource,
  resourceSet,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { thrown } from './helpers.ts';

const value = (v: unknown) => resource({ create: () => v });
const dependent = (...dependsOn: string[]) => resource({ dependsOn, create: () => 0 });

describe('resource()', () => {
  it('defaults to scope run, process-safe, no dependencies, and no executor role', () => {
    const def = value(1);
    expect(def).toMatchObject({ scope: 'run', processSafe: true, dependsOn: [], role: undefined });
  });

  it('keeps the options it was given, and its own copy of dependsOn', () => {
    const deps = ['db'];
    const def = resource({ dependsOn: deps, scope: 'worker', processSafe: false, create: () => 1 });
    deps.push('later');
    expect(def).toMatchObject({ scope: 'worker', processSafe: false, dependsOn: ['db'] });
  });
});

describe('resourceSet()', () => {
  it('holds the definitions under their names, and creates none of them', () => {
    let created = false;
    const db = resource({
      create: () => {
        created = true;
        return 1;
      },
    });
    const executor = inline();
    const set = resourceSet({ executor, db });
    expect(set.definitions).toEqual({ executor, db });
    expect(created).toBe(false);
  });

  it('keeps its own copy: changing the object it was made from changes nothing', () => {
    const definitions: Record<string, ResourceDefinition> = { db: value(1) };
    const set = resourceSet(definitions);
    definitions.cache = value(2);
    expect(Object.keys(set.definitions)).toEqual(['db']);
    expect(Object.isFrozen(set.definitions)).toBe(true);
  });

  it('rejects a value that is not a resource definition, naming it', () => {
    const error = thrown(() =>
      resourceSet({ db: { create: () => 1 } as unknown as ResourceDefinition }),
    );
    expect(error).toBeInstanceOf(ResourceSetError);
    expect((error as Error).message).toContain('resource "db" is not a resource definition');
    expect((thrown(() => resourceSet(null as never)) as Error).message).toContain(
      'resourceSet() expects an object',
    );
  });

  it('rejects two executors in one set, whichever comes first', () => {
    for (const make of [
      () => resourceSet({ executor: inline(), second: inline() }),
      () => resourceSet({ second: inline(), executor: inline() }),
    ]) {
      const error = thrown(make);
      expect(error).toBeInstanceOf(ResourceSetError);
      expect((error as ResourceSetError).code).toBe('WEFT_RESOURCE_SET');
      expect((error as Error).message).toBe(
        'two executors, "executor" and "second": a resource set has exactly one, under the name "executor"',
      );
    }
  });

  it('rejects an executor under another name, and a non-executor under "executor"', () => {
    expect((thrown(() => resourceSet({ runner: inline() })) as Error).message).toBe(
      'resource "runner" is an executor: a set\'s executor goes under the name "executor"',
    );
    expect((thrown(() => resourceSet({ executor: value(1) })) as Error).message).toContain(
      'resource "executor" must be an executor definition',
    );
  });
});

describe('resourceSet() dependency cycles', () => {
  it('names the two resources of a cycle, each once', () => {
    const error = thrown(() => resourceSet({ a: dependent('b'), b: dependent('a') }));
    expect(error).toBeInstanceOf(ResourceCycleError);
    expect((error as ResourceCycleError).code).toBe('WEFT_RESOURCE_CYCLE');
    expect((error as ResourceCycleError).cycle).toEqual(['a', 'b']);
    expect((error as Error).message).toBe('resources depend on each other in a cycle: a -> b -> a');
  });

  it('names a resource that depends on itself', () => {
    const error = thrown(() => resourceSet({ a: dependent('a') }));
    expect((error as ResourceCycleError).cycle).toEqual(['a']);
    expect((error as Error).message).toBe('resources depend on each other in a cycle: a -> a');
  });

  it('names only the resources in the cycle, not those leading into it', () => {
    const error = thrown(() =>
      resourceSet({
        entry: dependent('a'),
        a: dependent('ok', 'b'),
        ok: dependent(),
        b: dependent('c'),
        c: dependent('a'),
      }),
    );
    expect((error as ResourceCycleError).cycle).toEqual(['a', 'b', 'c']);
    expect((error as Error).message).toBe(
      'resources depend on each other in a cycle: a -> b -> c -> a',
    );
  });

  it('accepts a diamond: shared dependencies are not a cycle', () => {
    const set = resourceSet({
      top: dependent('left', 'right'),
      left: dependent('base'),
      right: dependent('base'),
      base: dependent(),
    });
    expect(Object.keys(set.definitions)).toEqual(['top', 'left', 'right', 'base']);
  });
});
