import {
  InvalidOptionError,
  inline,
  type Requirements,
  type RunFailedError,
  run,
  submit,
  task,
  UnsatisfiableRequirementsError,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { probe, rejection, sleep, thrown } from './helpers.ts';

/** A task that holds its requirements for a few ms while `p` counts it, adding its cpus to `cpus`. */
function worker(p: ReturnType<typeof probe>, cpus?: ReturnType<typeof probe>) {
  return task('work', async (_ctx, need: number) => {
    p.enter();
    for (let i = 0; i < need; i++) cpus?.enter();
    await sleep(2);
    for (let i = 0; i < need; i++) cpus?.leave();
    p.leave();
  });
}

describe('requirements', () => {
  it('never runs more tasks than fit in the executor resources', async () => {
    const p = probe();
    const work = worker(p);
    await run(
      async () => {
        for (let i = 0; i < 8; i++) submit(work.with({ requirements: { cpus: 1 } }), 1);
      },
      { executor: inline({ resources: { cpus: 2 } }) },
    );
    expect(p.max).toBe(2);
  });

  it('adds up the requirements of running tasks of different sizes', async () => {
    const p = probe();
    const cpus = probe();
    const work = worker(p, cpus);
    await run(
      async () => {
        for (let i = 0; i < 9; i++) {
          const need = 1 + (i % 3);
          submit(work.with({ requirements: { cpus: need } }), need);
        }
      },
      { executor: inline({ resources: { cpus: 3 } }) },
    );
    expect(cpus.max).toBe(3);
    expect(cpus.now).toBe(0);
  });

  it('counts each resource separately, custom ones included', async () => {
    const p = probe();
    const work = worker(p);
    await run(
      async () => {
        for (let i = 0; i < 6; i++) {
          submit(work.with({ requirements: { cpus: 1, licenses: 1 } }), 1);
        }
      },
      { executor: inline({ resources: { cpus: 8, licenses: 1 } }) },
    );
    expect(p.max).toBe(1);
  });

  it('lets tasks without requirements run beside ones that use everything', async () => {
    const p = probe();
    const work = worker(p);
    await run(
      async () => {
        submit(work.with({ requirements: { cpus: 2 } }), 2);
        for (let i = 0; i < 3; i++) submit(work, 0);
      },
      { executor: inline({ resources: { cpus: 2 } }) },
    );
    expect(p.max).toBe(4);
  });

  it('releases what a failed task held', async () => {
    const p = probe();
    const work = worker(p);
    const fail = task('fail', async () => {
      throw new Error('x');
    });
    const needs: Requirements = { cpus: 1 };
    const error = await rejection(
      run(
        async () => {
          await rejection(submit(fail.with({ requirements: needs })));
          await submit(work.with({ requirements: needs }), 1);
        },
        { executor: inline({ resources: { cpus: 1 } }), keepGoing: true },
      ),
    );
    expect((error as RunFailedError).failures.map((f) => f.name)).toEqual(['fail']);
    expect(p.max).toBe(1);
  });

  it('refuses at submit a task that could never fit, naming task, resource and amounts', async () => {
    const big = task({ name: 'big', requirements: { cpus: 3 } }, async () => 1);
    await run(
      async () => {
        const error = thrown(() => submit(big.with({ label: 'huge' })));
        expect(error).toBeInstanceOf(UnsatisfiableRequirementsError);
        expect(error).toMatchObject({
          code: 'WEFT_UNSATISFIABLE',
          resource: 'cpus',
          requested: 3,
          available: 2,
        });
        expect((error as Error).message).toBe(
          'task big#0 "huge" requires cpus=3 but executor "inline" offers at most cpus=2; ' +
            'lower the requirement or choose an executor with more capacity',
        );
        const gpu = thrown(() =>
          submit(task('train', async () => 1).with({ requirements: { gpus: 1 } })),
        );
        expect((gpu as Error).message).toMatch(
          /task train#0 requires gpus=1 .* offers at most gpus=0/,
        );
      },
      { executor: inline({ resources: { cpus: 2 } }) },
    );
  });

  it('rejects a negative or non-numeric requirement when the task is defined', () => {
    const fn = async () => 1;
    expect(() => task({ name: 'neg', requirements: { cpus: -1 } }, fn)).toThrow(
      new InvalidOptionError('task neg: requirement cpus must be a finite number >= 0, got -1'),
    );
    expect(() => task({ name: 'nan', requirements: { memoryMb: Number.NaN } }, fn)).toThrow(
      /task nan: requirement memoryMb must be a finite number >= 0, got NaN/,
    );
  });
});

describe('concurrency', () => {
  it('inline({ concurrency }) bounds the tasks running at once', async () => {
    for (const concurrency of [1, 3]) {
      const p = probe();
      const work = worker(p);
      await run(
        async () => {
          for (let i = 0; i < 10; i++) submit(work, 0);
        },
        { executor: inline({ concurrency }) },
      );
      expect(p.max).toBe(concurrency);
    }
  });

  it('rejects a concurrency below 1', () => {
    expect(() => inline({ concurrency: 0 })).toThrow(
      new InvalidOptionError('inline: concurrency must be at least 1, got 0'),
    );
    expect(() => inline({ concurrency: Number.NaN })).toThrow(InvalidOptionError);
  });
});

describe('priority', () => {
  it('starts ready tasks by priority, higher first, then in submission order', async () => {
    const order: string[] = [];
    const record = task('record', async (_ctx, name: string) => {
      order.push(name);
    });
    const specs: [string, number][] = [
      ['a', 0],
      ['b', 5],
      ['c', -1],
      ['d', 5],
      ['e', 10],
      ['f', 0],
      ['g', -1],
    ];
    await run(
      async () => {
        for (const [name, priority] of specs) submit(record.with({ priority }), name);
      },
      { executor: inline({ concurrency: 1 }) },
    );
    const expected = specs
      .map(([name, priority], index) => ({ name, priority, index }))
      .sort((x, y) => y.priority - x.priority || x.index - y.index)
      .map((x) => x.name);
    expect(order).toEqual(expected);
  });

  it('applies to tasks that become ready later, while others wait', async () => {
    const order: string[] = [];
    const record = task('record', async (_ctx, name: string, ..._after: unknown[]) => {
      order.push(name);
      await sleep();
    });
    await run(
      async () => {
        const first = submit(record.with({ priority: 10 }), 'first');
        submit(record.with({ priority: 1 }), 'low');
        submit(record.with({ priority: 9 }), 'high-after-first', first);
        submit(record.with({ priority: 5 }), 'mid');
      },
      { executor: inline({ concurrency: 1 }) },
    );
    expect(order).toEqual(['first', 'high-after-first', 'mid', 'low']);
  });
});
