/**
 * A property test over random graphs of steps and products, declared in a
 * random order, with random behaviour chains (built-ins and behaviours of
 * one's own inserted at random places): each step runs once, never before
 * the steps that produce what it consumes, gets their values, and its
 * chain runs in the order `behaviours()` reports.
 */
import { createInlineExecutor, graph, product, silentLogger, step, steps } from '@weft/core';
import fc from 'fast-check';

type Product<T> = steps.Product<T>;

import { describe, expect, it } from 'vitest';

interface Shape {
  readonly n: number;
  /** The products each step consumes: indexes of lower steps (each step produces one product). */
  readonly consumes: readonly (readonly number[])[];
  /** Steps that produce a second product, which no one consumes. */
  readonly extra: readonly boolean[];
  /** The order the steps are declared in. */
  readonly declared: readonly number[];
  /** Per step: behaviours inserted after the default chain, with where. */
  readonly inserts: readonly (readonly Insert[])[];
  readonly turns: readonly number[];
  readonly concurrency: number;
}

type Insert =
  | { readonly kind: 'built-in'; readonly name: 'retry' | 'timeout' | 'pool' }
  | { readonly kind: 'own'; readonly place: 'rank' | 'first' | 'before-wait' | 'after-cache' };

const insert: fc.Arbitrary<Insert> = fc.oneof(
  fc.record({
    kind: fc.constant('built-in' as const),
    name: fc.constantFrom('retry' as const, 'timeout' as const, 'pool' as const),
  }),
  fc.record({
    kind: fc.constant('own' as const),
    place: fc.constantFrom(
      'rank' as const,
      'first' as const,
      'before-wait' as const,
      'after-cache' as const,
    ),
  }),
);

const shape: fc.Arbitrary<Shape> = fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    consumes: fc
      .array(fc.uniqueArray(fc.nat(n - 1), { maxLength: 3 }), { minLength: n, maxLength: n })
      .map((all) => all.map((cs, i) => cs.filter((c) => c < i))),
    extra: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    declared: fc.shuffledSubarray(
      Array.from({ length: n }, (_, i) => i),
      { minLength: n, maxLength: n },
    ),
    inserts: fc.array(fc.array(insert, { maxLength: 4 }), { minLength: n, maxLength: n }),
    turns: fc.array(fc.nat(2), { minLength: n, maxLength: n }),
    concurrency: fc.integer({ min: 1, max: 4 }),
  }),
);

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
let graphs = 0;

async function check(s: Shape): Promise<void> {
  const g = graph(`prop${graphs++}`);
  const main: Product<number>[] = Array.from({ length: s.n }, (_, i) => product<number>(`p${i}`));
  const runs = new Array<number>(s.n).fill(0);
  const done = new Array<boolean>(s.n).fill(false);
  const violations: string[] = [];
  const chains: string[][] = Array.from({ length: s.n }, () => []);
  const made = [];
  const extraProducts = new Map<number, Product<string>>();
  function extraOf(i: number): Product<string> {
    let p = extraProducts.get(i);
    if (p === undefined) {
      p = product<string>(`x${i}`);
      extraProducts.set(i, p);
    }
    return p;
  }
  for (const i of s.declared) {
    const st = step(`s${i}`, g, async (ctx) => {
      runs[i]!++;
      for (const c of s.consumes[i]!) {
        if (!done[c]) violations.push(`s${i} started before its producer s${c} finished`);
        if (ctx.get(main[c]!) !== c) violations.push(`s${i} got ${ctx.get(main[c]!)} for p${c}`);
      }
      chains[i] = [...ctx.chain];
      for (let t = 0; t < s.turns[i]!; t++) await turn();
      ctx.put(main[i]!, i);
      if (s.extra[i]) ctx.put(extraOf(i), `x${i}`);
      done[i] = true;
    });
    st.produces(main[i]!);
    if (s.extra[i]) st.produces(extraOf(i));
    st.consumes(...s.consumes[i]!.map((c) => main[c]!));
    s.inserts[i]!.forEach((ins, k) => {
      const names = st.behaviours().map((b) => b.name);
      if (ins.kind === 'built-in') {
        if (names.includes(ins.name)) return;
        if (ins.name === 'retry') steps.retry(1, { initial: '1ms' })(st);
        else if (ins.name === 'timeout') steps.timeout('1h')(st);
        else steps.onPool('elsewhere')(st);
        return;
      }
      const own = steps.behaviour(`own${k}`, async (ctx, next) => {
        // Each behaviour sees the ones outside it, in order, ending with itself.
        const expected = st.behaviours().map((b) => b.name);
        const at = expected.indexOf(`own${k}`);
        if (ctx.chain.join() !== expected.slice(0, at + 1).join()) {
          violations.push(`s${i}: own${k} ran after ${ctx.chain.join(' > ')}`);
        }
        await next();
      });
      const place =
        ins.place === 'first'
          ? { before: names[0]! }
          : ins.place === 'before-wait'
            ? { before: 'wait-for-producers' }
            : ins.place === 'after-cache' && names.includes('cache')
              ? { after: 'cache' }
              : {};
      st.use(own, place);
    });
    made.push(st);
  }
  const out = await g.run({
    record: false,
    executor: createInlineExecutor({ concurrency: s.concurrency }),
    logger: silentLogger,
  });
  expect(violations).toEqual([]);
  expect(runs).toEqual(new Array(s.n).fill(1));
  for (const st of made) {
    const i = Number(st.name.slice(1));
    expect(chains[i]).toEqual(st.behaviours().map((b) => b.name));
    expect(out[`p${i}`]).toBe(i);
    if (s.extra[i]) expect(out[`x${i}`]).toBe(`x${i}`);
  }
}

describe('random graphs of steps', () => {
  it('run each step once, after its producers, with its chain in the order behaviours() reports', async () => {
    await fc.assert(fc.asyncProperty(shape, check), { numRuns: 60 });
  });
});
