/**
 * Planning: from the targets back, only what they reach; needs before the
 * jobs that need them; up to date when code, params and the inputs'
 * contents are those a target was built from, with the reason for each job
 * that runs; implementations chosen by coordinates; a rule's `next`
 * followed where its value is recorded; the plan as a graph.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { build, rule, state, targets } from '@weft/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './fixtures/targets/sandbox.ts';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.close());

const upper = rule('up/{name}.txt', {
  name: 'upper',
  needs: 'in/{name}.txt',
  run: async ({ input, output }) =>
    writeFile(output[0]!, (await readFile(input, 'utf8')).toUpperCase()),
});

const joined = rule('all.txt', {
  name: 'joined',
  needs: ['up/a.txt', 'up/b.txt'],
  params: { separator: '+' },
  run: async ({ input, output, params }) => {
    const parts = await Promise.all((input as string[]).map((f) => readFile(f, 'utf8')));
    await writeFile(output[0]!, parts.join(params.separator));
  },
});

let reached = 0;
const unreached = rule('never/{x}.txt', {
  name: 'unreached',
  needs: () => {
    reached++;
    return [];
  },
  run: () => {},
});

const rules = [upper, joined, unreached];
const lines = (p: targets.Plan) =>
  [...p.jobs()].map((j) => `${j.target} ${j.runs ? j.reason : 'ok'}`);

function inputs(): void {
  box.write('in/a.txt', 'a');
  box.write('in/b.txt', 'b');
}

describe('a plan', () => {
  it('holds only what the targets reach, needs first, each with why it runs', () => {
    inputs();
    const p = targets.plan('all.txt', { rules });
    expect(lines(p)).toEqual([
      'up/a.txt never built',
      'up/b.txt never built',
      'all.txt never built',
    ]);
    expect(reached).toBe(0);
    expect(p.summary()).toBe('3 jobs to run (upper 2, joined 1), 0 up to date');
    expect(p.requested).toEqual([['all.txt', 0]]); // jobs are numbered as they are found
  });

  it('takes an existing file no rule makes as a source', () => {
    inputs();
    const p = targets.plan(['in/a.txt', 'up/a.txt'], { rules });
    expect(p.requested[0]).toEqual(['in/a.txt', -1]);
    expect(p.toRun).toBe(1);
    expect([...p.text()].join('')).toContain('up to date in/a.txt (a source file)');
  });

  it('is empty once the targets are built, and stays so when an input is only touched', async () => {
    inputs();
    const first = await build('all.txt', { rules, record: false });
    expect(first).toMatchObject({ ran: 3, upToDate: 0, values: { 'all.txt': 'all.txt' } });
    expect(box.read('all.txt')).toBe('A+B');
    expect(targets.plan('all.txt', { rules }).summary()).toBe('nothing to do: 3 jobs up to date');
    box.write('in/a.txt', 'a'); // same content, new mtime
    expect(targets.plan('all.txt', { rules }).toRun).toBe(0);
    const again = await build('all.txt', { rules, record: false });
    expect(again).toMatchObject({ ran: 0, upToDate: 3, runId: undefined });
  });

  it('stays up to date when an input is touched again and again, with one exit listener for all plans', async () => {
    inputs();
    await build('all.txt', { rules, record: false });
    const listeners = process.listenerCount('exit');
    for (let i = 0; i < 20; i++) {
      box.write('in/a.txt', 'a'); // a new stamp: hashed again, and recorded
      expect(targets.plan('all.txt', { rules }).toRun).toBe(0);
    }
    expect(process.listenerCount('exit')).toBeLessThanOrEqual(listeners + 1);
  });

  it('gives the reason of each job that runs', async () => {
    inputs();
    await build('all.txt', { rules, record: false });
    box.write('in/a.txt', 'changed');
    expect(lines(targets.plan('all.txt', { rules }))).toEqual([
      'up/a.txt input in/a.txt changed',
      'up/b.txt ok',
      'all.txt it needs up/a.txt, which runs first',
    ]);
    await build('all.txt', { rules, record: false });
    box.remove('up/b.txt');
    expect(lines(targets.plan('all.txt', { rules }))[1]).toBe(
      'up/b.txt output up/b.txt is missing',
    );
    await build('all.txt', { rules, record: false });
    box.write('all.txt', 'edited by hand');
    expect(lines(targets.plan('all.txt', { rules }))[2]).toBe(
      'all.txt output all.txt changed since it was built',
    );
    expect(lines(targets.plan('all.txt', { rules, force: ['up/b.txt'] }))[1]).toBe(
      'up/b.txt forced',
    );
    expect(targets.plan('all.txt', { rules, force: true }).toRun).toBe(3);
  });

  it('sees changed params, code, needs and implementations', async () => {
    inputs();
    const params = (separator: string) => [
      upper,
      rule('all.txt', { ...joinedSpec, params: { separator } }),
    ];
    const joinedSpec = {
      name: 'joined',
      needs: ['up/a.txt', 'up/b.txt'],
      run: async ({ output }: { output: readonly string[] }) => writeFile(output[0]!, 'x'),
    };
    await build('all.txt', { rules: params('+'), record: false });
    expect(lines(targets.plan('all.txt', { rules: params('+') }))[2]).toBe('all.txt ok');
    expect(lines(targets.plan('all.txt', { rules: params('-') }))[2]).toBe(
      'all.txt its params changed',
    );
    const versioned = (version: string) => [upper, rule('all.txt', { ...joinedSpec, version })];
    await build('all.txt', { rules: versioned('1'), record: false });
    expect(lines(targets.plan('all.txt', { rules: versioned('1') }))[2]).toBe('all.txt ok');
    expect(lines(targets.plan('all.txt', { rules: versioned('2') }))[2]).toBe(
      'all.txt its code changed',
    );
    const fewer = [upper, rule('all.txt', { ...joinedSpec, version: '1', needs: ['up/a.txt'] })];
    expect(lines(targets.plan('all.txt', { rules: fewer }))).toContain(
      'all.txt its needs changed (no longer needs up/b.txt)',
    );
    const variants = [
      upper,
      rule('all.txt', {
        name: 'joined',
        implementations: [
          { ...joinedSpec, name: 'fast', when: { speed: 'fast' }, version: '1' },
          { ...joinedSpec, name: 'slow', version: '1' },
        ],
      }),
    ];
    await build('all.txt', { rules: variants, record: false });
    expect(lines(targets.plan('all.txt', { rules: variants }))[2]).toBe('all.txt ok');
    expect(
      lines(targets.plan('all.txt', { rules: variants, coordinates: { speed: 'fast' } }))[2],
    ).toBe('all.txt the coordinates chose another implementation (fast; it was built by slow)');
  });

  it('tells a command that changed, and prints commands as make -n does', async () => {
    inputs();
    const copy = (flag: string) =>
      rule('copy/{name}.txt', {
        name: 'copy',
        needs: 'in/{name}.txt',
        command: ({ input, output }) => ({ argv: ['cp', flag, input, output[0]!] }),
      });
    await build('copy/a.txt', { rules: [copy('-p')], record: false });
    expect(box.read('copy/a.txt')).toBe('a');
    expect(targets.plan('copy/a.txt', { rules: [copy('-p')] }).toRun).toBe(0);
    const p = targets.plan('copy/a.txt', { rules: [copy('-f')] });
    expect([...p.text()].join('')).toBe(
      'run copy/a.txt [copy]: its command changed\n    $ cp -f in/a.txt copy/a.txt\n1 job to run (copy 1), 0 up to date\n',
    );
  });

  it('selects implementations by coordinates: platform and arch are always there', () => {
    const seen: targets.Coordinates[] = [];
    const r = rule('out/{x}.txt', {
      name: 'pick',
      implementations: [
        { name: 'big', when: { size: ['l', 'xl'] }, run: () => {} },
        {
          name: 'other',
          when: (c) => {
            seen.push(c);
            return true;
          },
          run: () => {},
        },
      ],
    });
    const which = (size: string) =>
      [...targets.plan('out/1.txt', { rules: [r], coordinates: { size } }).jobs()][0]!
        .implementation;
    expect(which('xl')).toBe('big');
    expect(which('s')).toBe('other');
    expect(seen[0]).toEqual({ platform: process.platform, arch: process.arch, size: 's' });
  });

  it("follows a recorded state's next: its value sets coordinates and more targets", async () => {
    const detect = state('env.detected', {
      run: () => ({ flavour: 'mild' }),
      next: (v: { flavour: string }) => ({
        coordinates: { flavour: v.flavour },
        targets: ['meal.txt'],
      }),
    });
    const meal = rule('meal.txt', {
      name: 'meal',
      implementations: [
        {
          name: 'mild',
          when: { flavour: 'mild' },
          run: ({ output }) => writeFile(output[0]!, 'rice'),
        },
        {
          name: 'hot',
          when: { flavour: 'hot' },
          run: ({ output }) => writeFile(output[0]!, 'chili'),
        },
      ],
    });
    const before = targets.plan('env.detected', { rules: [detect, meal] });
    expect(before.pendingNext).toEqual(['env.detected']);
    expect([...before.text()].join('')).toContain(
      'then: the value of env.detected sets more targets, known once it is built',
    );
    const report = await build('env.detected', { rules: [detect, meal], record: false });
    expect(report.values).toEqual({ 'env.detected': { flavour: 'mild' } });
    expect(box.read('meal.txt')).toBe('rice');
    const after = targets.plan('env.detected', { rules: [detect, meal] });
    expect(after.pendingNext).toEqual([]);
    expect(lines(after)).toEqual(['env.detected ok', 'meal.txt ok']);
  });

  it('is a graph of jobs: pending ones run, cached ones are up to date', async () => {
    inputs();
    await build('up/a.txt', { rules, record: false });
    const g = targets.plan('all.txt', { rules }).graph();
    expect(g.nodes.map((n) => [n.label, n.name, n.state])).toEqual([
      ['up/a.txt', 'upper', 'cached'],
      ['up/b.txt', 'upper', 'pending'],
      ['all.txt', 'joined', 'pending'],
    ]);
    expect(g.nodes.map((n) => n.id)).toEqual([1, 2, 0]);
    expect(g.edges).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });
});
