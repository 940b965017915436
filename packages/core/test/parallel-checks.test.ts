import { Socket } from 'node:net';
import { checkSerializable, run, submit, threadsExecutor } from '@weft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHidden, visible } from './fixtures/parallel-hidden.ts';
import { echo } from './fixtures/parallel-tasks.ts';
import { rejection, thrown } from './helpers.ts';

class Point {
  readonly x: number;
  readonly y: number;
  constructor(x: number, y: number) {
    this.x = x;
    this.y = y;
  }
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

class Row {
  id = 1;
  name = 'data only';
}

describe('checkSerializable', () => {
  it('accepts plain data, binary data, builtins and data-only class instances', () => {
    const data = [
      1,
      'text',
      null,
      undefined,
      10n,
      { nested: [true, { deep: new Date(0) }] },
      new Map([['k', new Set([1, 2])]]),
      new Uint8Array(4),
      new ArrayBuffer(8),
      /re/g,
      new Error('an error'),
      new Row(),
    ];
    expect(() => checkSerializable(data, 'ok')).not.toThrow();
  });

  it('refuses what cannot cross, naming the task and the path', () => {
    const cases: [unknown[], string, string][] = [
      [[() => 1], 'args[0]', 'a function'],
      [[{ rows: [1, { f: Math.max }] }], 'args[0].rows[1].f', 'a function (max)'],
      [[1, { conn: new Socket() }], 'args[1].conn', 'an instance of Socket'],
      [[new Point(3, 4)], 'args[0]', 'an instance of Point'],
      [[{ 'odd key': Symbol('s') }], 'args[0]["odd key"]', 'a symbol'],
      [[new Map([['k', () => 1]])], 'args[0].values()[0]', 'a function'],
      [[Promise.resolve(1)], 'args[0]', 'a promise'],
    ];
    for (const [args, path, what] of cases) {
      const error = thrown(() => checkSerializable(args, 'load'));
      expect(error).toMatchObject({ code: 'WEFT_UNSERIALIZABLE', task: 'load', path });
      expect((error as Error).message).toContain(`task load: ${path} is ${what}`);
    }
  });

  it('terminates on circular structures', () => {
    const a: Record<string, unknown> = { n: 1 };
    a.self = a;
    expect(() => checkSerializable([a], 'loop')).not.toThrow();
  });
});

describe('the submit-time check of the parallel executors', () => {
  const executor = threadsExecutor({ max: 1 });
  afterAll(() => executor[Symbol.asyncDispose]());

  it('refuses a task that is not exported at module top level, saying how to fix it', () => {
    expect(() => executor.check(visible, [])).not.toThrow();
    const error = thrown(() => executor.check(makeHidden(), [])) as Error;
    expect(error).toMatchObject({ code: 'WEFT_TASK_NOT_IMPORTABLE', task: 'fx.hidden' });
    expect(error.message).toContain('parallel-hidden.ts exports no task named "fx.hidden"');
    expect(error.message).toContain("export const myTask = task('fx.hidden'");
  });

  it('refuses an argument that cannot cross, naming the task and the path', () => {
    const error = thrown(() => executor.check(echo, [{ point: new Point(1, 2) }]));
    expect(error).toMatchObject({ code: 'WEFT_UNSERIALIZABLE', path: 'args[0].point' });
  });

  // Until the run calls `check` at submit, these fail when dispatched; after, at submit.
  it('fails such a task with the same error when a run submits it', async () => {
    const errors = await run(
      async () => {
        const outcomes = [
          () => submit(makeHidden()),
          () => submit(echo, { fn: () => 1 } as unknown),
        ].map(async (attempt) => {
          try {
            await attempt();
            return undefined;
          } catch (error) {
            return error;
          }
        });
        return Promise.all(outcomes);
      },
      { executor, keepGoing: true },
    ).catch((error: { failures: { error: unknown }[] }) => error.failures.map((f) => f.error));
    expect(errors).toMatchObject([
      { code: 'WEFT_TASK_NOT_IMPORTABLE' },
      { code: 'WEFT_UNSERIALIZABLE', message: expect.stringContaining('fx.echo') },
    ]);
  });
});

describe('a task module that starts its workflow when imported', () => {
  it('fails the task in the worker with how to guard the run, instead of running it again', async () => {
    const { greet } = await import('./fixtures/toplevel-run.ts');
    await using executor = threadsExecutor({ max: 1 });
    process.env.WEFT_TEST_TOPLEVEL_RUN = '1'; // the worker copies the environment when it starts
    try {
      const error = await rejection(run(async () => submit(greet), { executor }));
      expect(String(error)).toMatch(
        /run\(\) was called while a weft worker imported the task module .*toplevel-run\.ts.*if \(import\.meta\.main\)/,
      );
    } finally {
      delete process.env.WEFT_TEST_TOPLEVEL_RUN;
    }
  });
});
