/**
 * Front ends whose graph is known before it runs give the ready queue
 * longest-remaining-path priorities: a target plan and a graph of steps,
 * run on one slot, start the head of their longest chain first, unless a
 * rule's or a step's own `priority` says otherwise (it comes first); a dry
 * run prints the jobs in the order they would start on one slot.
 */
import { writeFile } from 'node:fs/promises';
import { build, graph, product, rule, step, targets } from '@weft/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './fixtures/targets/sandbox.ts';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.close());

const ONE_SLOT = { kind: 'inline', concurrency: 1 } as const;

/** Short independent jobs planned first, then a chain of four, all needed by `all.txt`. */
function rules(ran: string[], shortPriority?: number) {
  const touch =
    (name: string) =>
    async ({ output }: { output: readonly string[] }) => {
      ran.push(name);
      await writeFile(output[0]!, name);
    };
  return [
    rule('short/{s}.txt', {
      name: 'short',
      ...(shortPriority === undefined ? {} : { priority: shortPriority }),
      run: async ({ output, wildcards }) => touch(`short ${wildcards.s}`)({ output }),
    }),
    rule('c1.txt', { name: 'c1', run: touch('c1') }),
    rule('c2.txt', { name: 'c2', needs: 'c1.txt', run: touch('c2') }),
    rule('c3.txt', { name: 'c3', needs: 'c2.txt', run: touch('c3') }),
    rule('c4.txt', { name: 'c4', needs: 'c3.txt', run: touch('c4') }),
    rule('all.txt', {
      name: 'all',
      needs: ['short/a.txt', 'short/b.txt', 'short/c.txt', 'c4.txt'],
      run: touch('all'),
    }),
  ];
}

/** The targets a dry run says it would run, in the order it would start them. */
function startOrder(planned: { text(o: { order: 'start' }): Iterable<string> }): string[] {
  return [...planned.text({ order: 'start' })]
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('run '))
    .map((l) => l.split(' ')[1] ?? '');
}

describe('a target plan', () => {
  it('starts the head of its longest chain first on one slot, and a dry run says so', async () => {
    const ran: string[] = [];
    const planned = targets.plan('all.txt', { rules: rules(ran), buildLog: false });
    // Planned needs first: the short jobs come first in the plan.
    expect([...planned.jobs()].map((j) => j.target)[0]).toBe('short/a.txt');
    const dry = startOrder(planned);
    await build('all.txt', {
      rules: rules(ran),
      record: false,
      buildLog: false,
      executor: ONE_SLOT,
    });
    // c1 heads a chain of five jobs (c1, c2, c3, c4, all); c4 then ties with the short ones,
    // planned before it.
    expect(ran).toEqual(['c1', 'c2', 'c3', 'short a', 'short b', 'short c', 'c4', 'all']);
    expect(dry).toEqual([
      'c1.txt',
      'c2.txt',
      'c3.txt',
      'short/a.txt',
      'short/b.txt',
      'short/c.txt',
      'c4.txt',
      'all.txt',
    ]);
  });

  it("puts a rule's own priority first, the path breaking ties among its jobs", async () => {
    const ran: string[] = [];
    const planned = targets.plan('all.txt', { rules: rules(ran, 1), buildLog: false });
    const dry = startOrder(planned);
    await build('all.txt', {
      rules: rules(ran, 1),
      record: false,
      buildLog: false,
      executor: ONE_SLOT,
    });
    expect(ran).toEqual(['short a', 'short b', 'short c', 'c1', 'c2', 'c3', 'c4', 'all']);
    expect(dry[0]).toBe('short/a.txt');
    // A negative priority puts the short jobs after everything they do not hold up.
    ran.length = 0;
    await build('all.txt', {
      rules: rules(ran, -1),
      record: false,
      buildLog: false,
      executor: ONE_SLOT,
    });
    expect(ran).toEqual(['c1', 'c2', 'c3', 'c4', 'short a', 'short b', 'short c', 'all']);
  });

  it('prints the plan in planning order unless asked for the start order, and refuses another', () => {
    const planned = targets.plan('all.txt', { rules: rules([]), buildLog: false });
    const runs = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('run '))
        .map((l) => l.split(' ')[1]);
    expect(runs([...planned.text()].join(''))).toEqual([...planned.jobs()].map((j) => j.target));
    expect(() => [...planned.text({ order: 'fastest' as 'start' })]).toThrow(
      /^the order of a plan's text is 'plan' or 'start', got "fastest"$/,
    );
  });

  it('refuses a priority that is not a whole number, naming the rule', () => {
    expect(() => rules([], 1.5)).toThrow(/^task short: priority must be a whole number, got 1\.5$/);
  });
});

describe('a graph of steps', () => {
  it('starts the head of its longest chain first on one slot, after a step of higher priority', async () => {
    for (const urgent of [false, true]) {
      const ran: string[] = [];
      const g = graph(urgent ? 'urgent' : 'paths');
      const a = product<number>('a');
      const b = product<number>('b');
      const c = product<number>('c');
      // Declared first: lone steps, one of them urgent in the second round.
      step('lone1', g, () => void ran.push('lone1'), urgent ? { priority: 5 } : {});
      step('lone2', g, () => void ran.push('lone2'));
      step('s1', g, () => ran.push('s1')).produces(a);
      step('s2', g, (ctx) => ran.push(`s2 ${ctx.get(a)}`))
        .consumes(a)
        .produces(b);
      step('s3', g, (ctx) => ran.push(`s3 ${ctx.get(b)}`))
        .consumes(b)
        .produces(c);
      await g.run({ record: false, executor: ONE_SLOT });
      // s3 has one step left, as the lone ones: they tie, and were added before it.
      expect(ran.map((r) => r.split(' ')[0])).toEqual(
        urgent ? ['lone1', 's1', 's2', 'lone2', 's3'] : ['s1', 's2', 'lone1', 'lone2', 's3'],
      );
    }
  });
});
