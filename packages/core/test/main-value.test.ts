/**
 * What run() gives back: main's value with its futures replaced by their
 * values, at any depth, without breaking its shape: cycles, shared parts,
 * holes and objects without a prototype survive.
 */
import { type Future, run, submit, task } from '@weft/core';
import { describe, expect, it } from 'vitest';

const double = task('mv.double', async (_ctx, x: number) => x * 2);

describe("main's value", () => {
  it('keeps a cycle that holds a future, instead of overflowing the stack', async () => {
    const out = (await run(async () => {
      const node: { f: Future<number>; self?: unknown } = { f: submit(double, 1) };
      node.self = node;
      return node;
    })) as { f: number; self: unknown };
    expect(out.f).toBe(2);
    expect(out.self).toBe(out);
  });

  it('keeps shared parts shared, holes as holes, and null prototypes', async () => {
    const out = (await run(async () => {
      const shared = { g: submit(double, 2) };
      const sparse: unknown[] = [submit(double, 3)];
      sparse[2] = 'x';
      const bare = Object.assign(Object.create(null) as object, { h: submit(double, 4) });
      return { a: shared, b: shared, sparse, bare };
    })) as Record<string, unknown>;
    expect(out.a).toBe(out.b);
    expect(out.a).toEqual({ g: 4 });
    const sparse = out.sparse as unknown[];
    expect(sparse.length).toBe(3);
    expect(1 in sparse).toBe(false);
    expect(sparse[0]).toBe(6);
    expect(sparse[2]).toBe('x');
    expect(Object.getPrototypeOf(out.bare)).toBe(null);
    expect((out.bare as { h: number }).h).toBe(8);
  });

  it('returns a value without futures as it is', async () => {
    const value = { list: [1, 2], when: new Date(0) };
    expect(await run(async () => value)).toBe(value);
  });
});
