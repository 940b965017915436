/**
 * Building: a rule's step is a node of a run (with its task's options and
 * events, and the reason it runs in its log); named states carry values;
 * a step asks for targets while it runs (`need`), and what it asked for is
 * an input of its next build; a step whose rebuilt inputs came out the same
 * skips itself; front ends mix (a step submits tasks, a submit-style main
 * needs targets); a failed step records nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  build,
  type LogEvent,
  need,
  type RunEvent,
  type RunFailedError,
  rule,
  run,
  state,
  submit,
  targets,
  task,
} from '@weft/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './fixtures/targets/sandbox.ts';
import { rejection } from './helpers.ts';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.close());

const ran: string[] = [];
beforeEach(() => {
  ran.length = 0;
});

const read = (path: string) => readFile(path, 'utf8');

// A checkpoint: which parts exist is known once list.txt is built.
const list = rule('list.txt', {
  name: 'list',
  needs: 'parts.cfg',
  run: async ({ input, output }) => {
    ran.push('list');
    await writeFile(output[0]!, await read(input));
  },
});
const part = rule('part/{p}.txt', {
  name: 'part',
  needs: 'src/{p}.txt',
  run: async ({ input, output, wildcards }) => {
    ran.push(`part ${wildcards.p}`);
    await writeFile(output[0]!, (await read(input)).trim().toUpperCase());
  },
});
const total = rule('total.txt', {
  name: 'total',
  needs: 'list.txt',
  run: async ({ input, output, need: ask }) => {
    ran.push('total');
    const names = (await read(input)).split('\n').filter(Boolean);
    const files = await ask(names.map((n) => `part/${n}.txt`));
    const texts = await Promise.all(files.map(read));
    await writeFile(output[0]!, texts.join(','));
  },
});
const checkpoint = [list, part, total];

function sources(): void {
  box.write('parts.cfg', 'a\nb\n');
  box.write('src/a.txt', 'x');
  box.write('src/b.txt', 'y');
}

describe('a build', () => {
  it('runs each step as a task of the run, with the reason it runs in its log', async () => {
    sources();
    const events: RunEvent[] = [];
    const report = await build('total.txt', {
      rules: checkpoint,
      record: false,
      onEvent: (e) => events.push(e),
    });
    expect(report).toMatchObject({
      targets: ['total.txt'],
      values: { 'total.txt': 'total.txt' },
      ran: 4,
    });
    expect(box.read('total.txt')).toBe('X,Y');
    const started = events
      .filter((e) => e.type === 'started')
      .map((e) => (e as { label?: string }).label);
    expect(started).toEqual(
      expect.arrayContaining(['list.txt', 'total.txt', 'part/a.txt', 'part/b.txt']),
    );
    const reasons = events
      .filter((e): e is LogEvent => e.type === 'log' && e.fields?.target !== undefined)
      .map((e) => e.message);
    expect(reasons).toContain('list.txt: runs, never built');
    expect(reasons).toContain('part/a.txt: runs, never built');
  });

  it('records what a step asked for: a change there rebuilds it, and only what it needs', async () => {
    sources();
    await build('total.txt', { rules: checkpoint, record: false });
    expect(targets.plan('total.txt', { rules: checkpoint }).toRun).toBe(0);
    box.write('src/b.txt', 'z');
    const p = targets.plan('total.txt', { rules: checkpoint });
    expect([...p.jobs()].filter((j) => j.runs).map((j) => `${j.target}: ${j.reason}`)).toEqual([
      'part/b.txt: input src/b.txt changed',
      'total.txt: it needs part/b.txt, which runs first',
    ]);
    ran.length = 0;
    await build('total.txt', { rules: checkpoint, record: false });
    expect(ran.sort()).toEqual(['part b', 'total']);
    expect(box.read('total.txt')).toBe('X,Z');
    // A new part: the list changes, and the step asks for the new part.
    box.write('parts.cfg', 'a\nb\nc\n');
    box.write('src/c.txt', 'w');
    ran.length = 0;
    await build('total.txt', { rules: checkpoint, record: false });
    expect(ran).toEqual(['list', 'total', 'part c']);
    expect(box.read('total.txt')).toBe('X,Z,W');
  });

  it('skips a step whose rebuilt inputs came out as they were', async () => {
    sources();
    await build('total.txt', { rules: checkpoint, record: false });
    box.write('src/a.txt', 'X'); // changed, but its part comes out the same
    ran.length = 0;
    // What a step asks for while it runs it reads itself: it runs to see.
    const report = await build('total.txt', { rules: checkpoint, record: false });
    expect(ran).toEqual(['part a', 'total']);
    expect(report).toMatchObject({ ran: 2, skipped: 0 });
    const static2 = [
      part,
      rule('pair.txt', {
        name: 'pair',
        needs: ['part/a.txt', 'part/b.txt'],
        run: async ({ input, output }) => {
          ran.push('pair');
          await writeFile(output[0]!, (await Promise.all((input as string[]).map(read))).join('+'));
        },
      }),
    ];
    await build('pair.txt', { rules: static2, record: false });
    box.write('src/a.txt', 'x');
    ran.length = 0;
    const again = await build('pair.txt', { rules: static2, record: false });
    expect(ran).toEqual(['part a']);
    expect(again).toMatchObject({ ran: 1, skipped: 1 });
  });

  it('gives named states values: to the steps that need them, to the build, and from the records', async () => {
    let detections = 0;
    const version = state('tool.version', {
      run: () => {
        detections++;
        return { major: 3, minor: 12 };
      },
    });
    const report = rule('report.txt', {
      name: 'report',
      needs: { version: 'tool.version', data: 'src/a.txt' },
      run: async ({ input, output, value }) => {
        const v = value<{ major: number; minor: number }>(input.version);
        await writeFile(output[0]!, `${v.major}.${v.minor} ${await read(input.data)}`);
      },
    });
    sources();
    const first = await build(['report.txt', 'tool.version'], {
      rules: [version, report],
      record: false,
    });
    expect(first.values).toEqual({
      'report.txt': 'report.txt',
      'tool.version': { major: 3, minor: 12 },
    });
    expect(box.read('report.txt')).toBe('3.12 x');
    const second = await build('tool.version', { rules: [version, report], record: false });
    expect(second).toMatchObject({ ran: 0, values: { 'tool.version': { major: 3, minor: 12 } } });
    expect(detections).toBe(1);
  });

  it('runs a state again and again when it always runs, and its value chooses what comes next', async () => {
    const seen: string[] = [];
    const probe = state('probe', {
      always: true,
      run: () => 'fast',
      next: (speed: string) => ({ coordinates: { speed }, targets: ['out.txt'] }),
    });
    const out = rule('out.txt', {
      name: 'out',
      implementations: [
        {
          name: 'quick',
          when: { speed: 'fast' },
          run: ({ output }) => {
            seen.push('quick');
            return writeFile(output[0]!, 'q');
          },
        },
        {
          name: 'careful',
          run: ({ output }) => {
            seen.push('careful');
            return writeFile(output[0]!, 'c');
          },
        },
      ],
    });
    await build('probe', { rules: [probe, out], record: false });
    await build('probe', { rules: [probe, out], record: false });
    expect(seen).toEqual(['quick']);
    expect(box.read('out.txt')).toBe('q');
    expect(targets.plan('probe', { rules: [probe, out] }).toRun).toBe(1);
  });

  it('takes task options for its steps: a flaky step is retried', async () => {
    let attempts = 0;
    const flaky = rule('flaky.txt', {
      retries: 2,
      backoff: { initial: 1, jitter: false },
      run: async ({ output, attempt }) => {
        attempts++;
        if (attempt < 3) throw new Error('not yet');
        await writeFile(output[0]!, 'done');
      },
    });
    await build('flaky.txt', { rules: [flaky], record: false });
    expect(attempts).toBe(3);
  });

  it('keeps going past a failed step when asked, recording only what succeeded', async () => {
    sources();
    const bad = rule('bad.txt', {
      run: () => {
        throw new Error('broken');
      },
    });
    const e = (await rejection(
      build(['bad.txt', 'part/a.txt'], { rules: [bad, part], record: false, keepGoing: true }),
    )) as RunFailedError;
    expect(e.failures.map((f) => [f.label, f.error.message])).toEqual([['bad.txt', 'broken']]);
    expect(box.read('part/a.txt')).toBe('X');
    const p = targets.plan(['bad.txt', 'part/a.txt'], { rules: [bad, part] });
    expect([...p.jobs()].map((j) => `${j.target} ${j.reason}`)).toEqual([
      'bad.txt never built',
      'part/a.txt up to date',
    ]);
  });
});

describe('front ends mix', () => {
  const double = task('double', async (_ctx, n: number) => n * 2);

  it('a step submits tasks and awaits them', async () => {
    const doubled = rule('doubled.txt', {
      run: async ({ output }) => writeFile(output[0]!, String(await submit(double, 21))),
    });
    await build('doubled.txt', { rules: [doubled], record: false });
    expect(box.read('doubled.txt')).toBe('42');
  });

  it('a submit-style main needs targets, and passes one to a task as an edge', async () => {
    sources();
    const length = task('length', async (_ctx, path: string) => (await read(path)).length);
    const result = await run(
      async () => {
        targets.use(checkpoint);
        const listed = await need('list.txt');
        const n = submit(length, need('total.txt'));
        return { listed, n: await n };
      },
      { record: false },
    );
    expect(result).toEqual({ listed: 'list.txt', n: 3 });
    expect(box.read('total.txt')).toBe('X,Y');
    expect(targets.plan('total.txt', { rules: checkpoint }).toRun).toBe(0);
  });

  it('build() in a run builds in that run', async () => {
    sources();
    const result = await run(
      async () => {
        const report = await build('part/a.txt', { rules: checkpoint });
        return { report, doubled: await submit(double, report.ran) };
      },
      { record: false },
    );
    expect(result.report).toMatchObject({ ran: 1, values: { 'part/a.txt': 'part/a.txt' } });
    expect(result.doubled).toBe(2);
  });
});
