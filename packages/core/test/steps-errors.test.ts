/**
 * Bad input to the steps front end, each with the message it gets: a
 * product consumed but never produced, a product two steps produce, steps
 * in a loop (the loop named), an unknown behaviour in a chain, a behaviour
 * inserted twice, and a step that finishes without producing a product it
 * declared. Nothing runs when the graph is wrong.
 */
import {
  graph,
  onPool,
  product,
  RunFailedError,
  StepBehaviourTwiceError,
  StepBehaviourUnknownError,
  StepCycleError,
  StepProductMissingError,
  StepProductTwiceError,
  StepProductUnavailableError,
  StepProductUnproducedError,
  step,
  steps,
} from '@weft/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './fixtures/steps/sandbox.ts';
import { thrown } from './helpers.ts';

const msg = (fn: () => unknown): string => (thrown(fn) as Error).message;

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.close());

describe('a graph that is wrong', () => {
  it('refuses a product consumed but never produced, naming it and its consumers, before running anything', async () => {
    const g = graph('bad1');
    const raw = product('raw');
    const out = product('out');
    let ran = 0;
    step('a', g, () => {
      ran++;
      return 1;
    }).produces(out);
    step('b', g, () => ran++).consumes(raw);
    step('c', g, () => ran++).consumes(raw, out);
    const e = thrown(() => g.check());
    expect(e).toBeInstanceOf(StepProductUnproducedError);
    expect((e as Error).message).toBe(
      'graph bad1: product "raw" is consumed by step b, step c but no step of the graph produces it; ' +
        'declare its producer with producer.produces(product)',
    );
    await expect(g.run({ record: false })).rejects.toThrow(StepProductUnproducedError);
    expect(ran).toBe(0);
  });

  it('refuses a product produced by two steps, naming both, when the second declares it', () => {
    const g = graph('bad2');
    const p = product('p');
    step('first', g, () => 1).produces(p);
    const second = step('second', g, () => 2);
    const e = thrown(() => second.produces(p));
    expect(e).toBeInstanceOf(StepProductTwiceError);
    expect((e as Error).message).toBe(
      'graph bad2: product "p" is produced by two steps, first and second; ' +
        'a product has one producer (give the second its own product)',
    );
    expect(second.produced).toEqual([]);
  });

  it('refuses steps that wait on each other in a loop, naming the loop and its products', async () => {
    const g = graph('bad3');
    const [x, y, z, w] = ['x', 'y', 'z', 'w'].map((n) => product(n));
    let ran = 0;
    step('start', g, () => ran++).produces(w!);
    step('a', g, () => ran++)
      .consumes(w!, z!)
      .produces(x!);
    step('b', g, () => ran++)
      .consumes(x!)
      .produces(y!);
    step('c', g, () => ran++)
      .consumes(y!)
      .produces(z!);
    const e = thrown(() => g.check());
    expect(e).toBeInstanceOf(StepCycleError);
    expect((e as Error).message).toBe(
      'graph bad3: steps wait on each other in a loop: a -(x)-> b -(y)-> c -(z)-> a',
    );
    expect((e as StepCycleError).loop).toEqual(['a', 'b', 'c', 'a']);
    await expect(g.run({ record: false })).rejects.toThrow(StepCycleError);
    expect(ran).toBe(0);
    // A step that consumes what it produces is a loop of one.
    const h = graph('bad3b');
    const q = product('q');
    step('self', h, () => 1)
      .produces(q)
      .consumes(q);
    expect(msg(() => h.check())).toBe(
      'graph bad3b: steps wait on each other in a loop: self -(q)-> self',
    );
  });

  it('refuses a chain with an unknown behaviour, listing the known ones', () => {
    const g = graph('bad4');
    const e = thrown(() =>
      step('s', g, () => 1, { behaviours: ['cache', 'wait-for-producers', 'retyr'] }),
    );
    expect(e).toBeInstanceOf(StepBehaviourUnknownError);
    expect((e as Error).message).toBe(
      'step s: unknown behaviour "retyr" in its chain; the built-in ones are ' +
        'cache, wait-for-producers, pool, retry, timeout (a behaviour of your own is passed as an object made by behaviour())',
    );
    expect(g.steps()).toEqual([]);
    const ok = step('t', g, () => 1);
    expect(thrown(() => ok.use('sleep'))).toBeInstanceOf(StepBehaviourUnknownError);
  });

  it('refuses a behaviour inserted twice, naming the chain', () => {
    const g = graph('bad5');
    const s = onPool('cluster')(step('s', g, () => 1));
    const e = thrown(() => onPool('other')(s));
    expect(e).toBeInstanceOf(StepBehaviourTwiceError);
    expect((e as Error).message).toBe(
      'step s: behaviour "pool" is already in its chain (cache > wait-for-producers > pool); ' +
        'each behaviour can be inserted once',
    );
    const mine = steps.behaviour('mine', (_ctx, next) => next());
    s.use(mine);
    expect(thrown(() => s.use(mine))).toBeInstanceOf(StepBehaviourTwiceError);
    expect(msg(() => step('t', g, () => 1, { retries: 2, behaviours: ['retry'] }))).toBe(
      'step t: behaviour "retry" is already in its chain (wait-for-producers > retry); each behaviour can be inserted once',
    );
  });

  it('fails a step that finishes without producing a product it declared', async () => {
    const g = graph('bad6');
    const a = product<number>('a');
    const b = product<number>('b');
    const f = product('f', { file: 'never-written.txt' });
    step('two', g, (ctx) => {
      ctx.put(a, 1);
    }).produces(a, b);
    const e = await g.run({ record: false }).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(RunFailedError);
    const cause = (e as RunFailedError).failures[0]?.error;
    expect(cause?.message).toBe(
      'step two finished without producing product "b": its function did not call ctx.put(product, value)',
    );
    expect(cause?.code).toBe('WEFT_STEP_PRODUCT_MISSING');

    const h = graph('bad6b');
    step('one', h, () => undefined).produces(a);
    const e2 = await h.run({ record: false }).catch((error: unknown) => error);
    expect((e2 as RunFailedError).failures[0]?.error.message).toBe(
      'step one finished without producing product "a": its function neither called ctx.put(product, value) nor returned a value',
    );

    const k = graph('bad6c');
    step('file', k, () => {}).produces(f);
    const e3 = await k.run({ record: false }).catch((error: unknown) => error);
    expect((e3 as RunFailedError).failures[0]?.error.message).toBe(
      `step file finished without producing product "f": its file ${box.dir}/never-written.txt does not exist (write it at ctx.path(product))`,
    );
    expect(StepProductMissingError.name).toBe('StepProductMissingError');
  });

  it('refuses products a step did not declare, and a product used outside its graph', async () => {
    const g = graph('bad7');
    const mine = product<number>('mine');
    const other = product<number>('other');
    step('s', g, (ctx) => {
      ctx.put(other, 1);
    }).produces(mine);
    const e = await g.run({ record: false }).catch((error: unknown) => error);
    expect((e as RunFailedError).failures[0]?.error.message).toBe(
      'product "other": step s does not produce it; declare it with s.produces(product)',
    );
    const e2 = thrown(() => mine.future());
    expect(e2).toBeInstanceOf(StepProductUnavailableError);
    expect((e2 as Error).message).toBe('product "mine": future() is called inside a run');
    expect(msg(() => g())).toBe(
      "graph bad7 was called outside a run: call it in a run's main function (a workflow whose default export is the graph is one), or run it with graph.run() or graph.start()",
    );
  });

  it('refuses malformed definitions with a message naming the thing', () => {
    const g = graph('bad8');
    expect(msg(() => step('', g, () => 1))).toBe(
      'step() needs a non-empty name of at most 180 characters, got ""',
    );
    expect(msg(() => step('x', {} as never, () => 1))).toBe(
      'step x: the second argument must be a graph (made by graph(name)), got object {}',
    );
    expect(msg(() => step('x', g, () => 1, { retrys: 2 } as never))).toBe(
      'step x: unknown option retrys',
    );
    step('x', g, () => 1);
    expect(msg(() => step('x', g, () => 1))).toBe('graph bad8: two steps are named x');
    expect(msg(() => step('y', g, () => 1).produces('p' as never))).toBe(
      'step y: produces() takes products (made by product(name)), got "p"',
    );
    step('z', g, () => 1).produces(product('same'));
    expect(msg(() => step('w', g, () => 1).consumes(product('same')))).toBe(
      'graph bad8, step w: another product is already named same; products of a graph have distinct names',
    );
    expect(msg(() => onPool(''))).toBe(
      'onPool() takes the non-empty name of one of the executor\'s pools, got ""',
    );
    expect(msg(() => steps.behaviour('retry', (_c, n) => n()))).toBe(
      'behaviour retry: that is the name of a built-in behaviour; give yours another',
    );
  });
});
