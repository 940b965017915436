/**
 * Type tests of resources: checked by `tsc -b` (each `@ts-expect-error` fails
 * the build when it stops being an error) and run by vitest like any test.
 * The `ResourceTypes` augmentation below is global to the test project, so
 * its names are ones no other test file uses.
 */

import {
  type ResourceDefinition,
  type ResourceValues,
  resource,
  resourceSet,
  run,
  submit,
  type Task,
  type TaskContext,
  task,
} from '@weft/core';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

/** What the augmented resource `typesTestStore` is. */
interface TypesTestStore {
  get(key: string): number;
}

declare module '@weft/core' {
  interface ResourceTypes {
    typesTestStore: TypesTestStore;
    typesTestClock: { now(): number };
  }
}

const store = resource({
  create: (): TypesTestStore => ({ get: (key) => key.length }),
});

describe('typed ctx.resources', () => {
  it('types a declared resource from the ResourceTypes augmentation', async () => {
    const lookup = task(
      { name: 'lookup', resources: ['typesTestStore'] },
      async (ctx, key: string) => {
        expectTypeOf(ctx.resources.typesTestStore).toEqualTypeOf<TypesTestStore>();
        // @ts-expect-error typesTestClock is typed, but this task did not declare it.
        void ctx.resources.typesTestClock;
        return ctx.resources.typesTestStore.get(key);
      },
    );
    expectTypeOf(lookup).toEqualTypeOf<Task<[key: string], number>>();

    const n = await run(async () => submit(lookup, 'abcd'), {
      resources: resourceSet({ typesTestStore: store }),
    });
    expectTypeOf(n).toEqualTypeOf<number>();
    expect(n).toBe(4);
  });

  it('types a declared resource missing from ResourceTypes as unknown', () => {
    task({ name: 'untyped', resources: ['typesTestUntyped'] }, (ctx) => {
      expectTypeOf(ctx.resources.typesTestUntyped).toBeUnknown();
      expectTypeOf(ctx).toEqualTypeOf<TaskContext<{ readonly typesTestUntyped: unknown }>>();
    });
  });

  it('leaves a task without resources with the untyped record', () => {
    task('plain', (ctx) => {
      expectTypeOf(ctx.resources).toEqualTypeOf<Readonly<Record<string, unknown>>>();
    });
  });
});

describe('typed resource definitions', () => {
  it("types create's config from a zod or valibot schema, and undefined without one", () => {
    const fromZod = resource({
      config: z.object({ url: z.string(), pool: z.number().default(4) }),
      create: ({ config }) => {
        expectTypeOf(config).toEqualTypeOf<{ url: string; pool: number }>();
        return config.url.length;
      },
    });
    expectTypeOf(fromZod).toEqualTypeOf<ResourceDefinition<number>>();

    const fromValibot = resource({
      config: v.object({ path: v.string() }),
      create: ({ config }) => {
        expectTypeOf(config).toEqualTypeOf<{ path: string }>();
        return config.path;
      },
    });
    expectTypeOf(fromValibot).toEqualTypeOf<ResourceDefinition<string>>();

    resource({
      create: ({ config }) => {
        expectTypeOf(config).toEqualTypeOf<undefined>();
      },
    });
  });

  it('types the resources named in dependsOn, and only those', () => {
    resource({
      dependsOn: ['typesTestStore'],
      create: ({ resources }) => {
        expectTypeOf(resources.typesTestStore).toEqualTypeOf<TypesTestStore>();
        // @ts-expect-error typesTestClock is not among the dependencies.
        void resources.typesTestClock;
        return resources.typesTestStore.get('x');
      },
    });
  });

  it('types the value of a { value, dispose } pair and of an async create as the value', () => {
    const pair = resource({ create: () => ({ value: 7, dispose: () => {} }) });
    expectTypeOf(pair).toEqualTypeOf<ResourceDefinition<number>>();
    const later = resource({ create: async () => 'ready' });
    expectTypeOf(later).toEqualTypeOf<ResourceDefinition<string>>();
  });

  it('gives the value type of each resource of a set with ResourceValues', () => {
    const set = resourceSet({ typesTestStore: store, count: resource({ create: () => 1 }) });
    expectTypeOf<ResourceValues<typeof set>>().toEqualTypeOf<{
      typesTestStore: TypesTestStore;
      count: number;
    }>();
  });

  it('rejects a config schema that is not a Standard Schema', () => {
    // @ts-expect-error a plain object is not a schema.
    resource({ config: { url: 'x' }, create: () => 1 });
  });
});
