/**
 * Executor pools in the scheduler: a task runs in the pool it names (by
 * definition or per submission), else in the default pool; each pool has
 * its own capacity and ready queue, so a full pool never holds back
 * another; a pool the executor lacks, or requirements the task's pool can
 * never meet, are refused at submit; and an executor without pools ignores
 * the option with one warning per pool name.
 */
import {
  createInlineExecutor,
  createLogger,
  type LogRecord,
  poolsExecutor,
  run,
  submit,
  task,
  threadsExecutor,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { tree } from './fixtures/parallel-tasks.ts';
import { heavyThread, thread } from './fixtures/pool-tasks.ts';
import { deferred, recorder, thrown } from './helpers.ts';

/** An executor of two in-process pools, `a` (the default) and `b`, with these slots. */
function twoPools(a: number, b: number) {
  return poolsExecutor(
    {
      a: createInlineExecutor({ concurrency: a }),
      b: createInlineExecutor({ concurrency: b }),
    },
    { default: 'a' },
  );
}

describe('where a task runs', () => {
  it('is the pool it names, by definition or with task.with({ pool }); else the default pool', async () => {
    await using executor = poolsExecutor(
      { local: createInlineExecutor(), heavy: threadsExecutor({ max: 1 }) },
      { default: 'local' },
    );
    const rec = recorder();
    const out = await run(
      () => ({
        byDefinition: submit(heavyThread),
        bySubmission: submit(thread.with({ pool: 'heavy' })),
        byDefault: submit(thread),
        backHome: submit(heavyThread.with({ pool: 'local' })),
      }),
      { executor, onEvent: rec.onEvent },
    );
    // Thread 0 is this one: the inline pool runs tasks here, the threads pool elsewhere.
    expect(out.byDefinition).not.toBe(0);
    expect(out.bySubmission).toBe(out.byDefinition);
    expect(out.byDefault).toBe(0);
    expect(out.backHome).toBe(0);
    // The record names the worker each attempt ran on, as `weft show` prints it.
    const workers = rec.ofType('started').map((e) => [e.taskId, e.worker] as const);
    expect(new Map(workers)).toEqual(
      new Map([
        [0, 'thread #1'],
        [1, 'thread #1'],
        [2, 'inline'],
        [3, 'inline'],
      ]),
    );
  });

  it('is, for a child that names no pool, the pool of the task that submitted it', async () => {
    await using executor = poolsExecutor(
      { local: createInlineExecutor(), heavy: threadsExecutor({ max: 1 }) },
      { default: 'local' },
    );
    const rec = recorder();
    // A tree of 7 tasks: the root runs in a thread, and so do the children it
    // submits there (which the coordinator could not run: it knows them by name only).
    expect(
      await run(() => submit(tree.with({ pool: 'heavy' }), 2), { executor, onEvent: rec.onEvent }),
    ).toBe(7);
    const workers = rec.ofType('started').map((e) => e.worker);
    expect(workers).toEqual(Array(7).fill('thread #1'));
  });

  it('refuses at submit a pool the executor lacks, naming the task, the pool and the pools', async () => {
    await using executor = twoPools(1, 1);
    const error = await run(async () => thrown(() => submit(thread.with({ pool: 'gpu' }))), {
      executor,
    });
    expect(error).toMatchObject({ code: 'WEFT_UNKNOWN_POOL', pool: 'gpu', pools: ['a', 'b'] });
    expect((error as Error).message).toBe(
      'task pools.thread#0 asks for pool "gpu", which executor "pools" does not have ' +
        '(its pools: a, b); name one of those in the task\'s pool option, or add a pool "gpu" ' +
        "to the executor's pools",
    );
  });

  it('refuses a pool option that is not a non-empty string', () => {
    expect(() => thread.with({ pool: '' })).toThrow(
      'task pools.thread: pool must be the non-empty name of one of the executor\'s pools, got ""',
    );
    expect(() => task({ name: 'bad', pool: 3 as unknown as string }, () => 1)).toThrow(
      /task bad: pool must be .* got 3/,
    );
  });

  it('keeps the compiled options shared when a labelled variant of a pooled task is made', () => {
    const labelled = heavyThread.with({ label: 'one' });
    expect(labelled.options).toBe(heavyThread.options);
    expect(labelled.options.pool).toBe('heavy');
    expect(thread.with({ pool: 'b', label: 'two' }).options.pool).toBe('b');
  });
});

describe('capacity per pool', () => {
  it('fills each pool to its own slots, and no further', async () => {
    const running = { a: 0, b: 0 };
    const peak = { a: 0, b: 0 };
    // The gate opens once 2 + 3 tasks run at once: each pool must fill its own slots.
    const full = deferred();
    const hold = task('pools.hold', async (ctx) => {
      const pool = ctx.label!.startsWith('a') ? 'a' : 'b';
      running[pool]++;
      peak[pool] = Math.max(peak[pool], running[pool]);
      if (running.a + running.b === 5) full.resolve();
      await full.promise;
      running[pool]--;
    });
    await using executor = twoPools(2, 3);
    await run(
      () =>
        Array.from({ length: 8 }, (_, i) => [
          submit(hold.with({ label: `a${i}` })),
          submit(hold.with({ label: `b${i}`, pool: 'b' })),
        ]),
      { executor },
    );
    expect(peak).toEqual({ a: 2, b: 3 });
  });

  it("starts a pool's ready task while another pool is full and has a long queue", async () => {
    // Pool a's one slot holds a task that waits for a task of pool b; many
    // more of pool a's tasks queue behind it (more than a dispatch round
    // passes over). Were the pools one queue or one capacity, b's task
    // would never start and the run would not end.
    const gate = deferred();
    const waitGate = task('pools.waitGate', () => gate.promise);
    const openGate = task('pools.openGate', () => gate.resolve());
    await using executor = twoPools(1, 1);
    const rec = recorder();
    await run(
      () => [
        submit(waitGate),
        ...Array.from({ length: 100 }, () => submit(waitGate)),
        submit(openGate.with({ pool: 'b' })),
      ],
      { executor, onEvent: rec.onEvent },
    );
    const started = rec.ofType('started').map((e) => e.taskId);
    expect(started.slice(0, 2)).toEqual([0, 101]);
  });

  it('gives a waiting task its slot back in its own pool, for its child there', async () => {
    // Pool b has one slot: the parent holds it until it waits on its child,
    // which can only start once that slot is back in pool b.
    const child = task('pools.child', () => 'child');
    const parent = task({ name: 'pools.parent', pool: 'b' }, async () => {
      return `parent of ${await submit(child.with({ pool: 'b' }))}`;
    });
    await using executor = twoPools(1, 1);
    expect(await run(() => [submit(parent), submit(child)], { executor })).toEqual([
      'parent of child',
      'child',
    ]);
  });

  it("refuses at submit requirements the task's pool can never meet, naming the pool", async () => {
    const big = task({ name: 'pools.big', requirements: { cpus: 8 } }, () => 'ran');
    await using executor = poolsExecutor(
      {
        small: createInlineExecutor({ resources: { cpus: 2 } }),
        large: createInlineExecutor({ resources: { cpus: 16 } }),
      },
      { default: 'small' },
    );
    const out = await run(
      () => ({
        refused: thrown(() => submit(big)),
        ran: submit(big.with({ pool: 'large' })),
      }),
      { executor },
    );
    expect(out.ran).toBe('ran');
    expect(out.refused).toMatchObject({ code: 'WEFT_UNSATISFIABLE', pool: 'small' });
    expect((out.refused as Error).message).toBe(
      'task pools.big#0 requires cpus=8 but its pool "small" (executor "inline") offers at most ' +
        'cpus=2; lower the requirement or send the task to a pool with more capacity ' +
        '(pools: small, large)',
    );
  });
});

describe('an executor without pools', () => {
  it('runs tasks that name a pool on itself, with one warning per pool name', async () => {
    const records: LogRecord[] = [];
    const rec = recorder();
    const out = await run(
      () => [
        submit(thread.with({ pool: 'gpu' })),
        submit(thread.with({ pool: 'gpu' })),
        submit(heavyThread),
        submit(heavyThread),
        submit(thread),
      ],
      { logger: createLogger((r) => records.push(r)), onEvent: rec.onEvent },
    );
    expect(out).toEqual([0, 0, 0, 0, 0]);
    const warnings = records.filter((r) => r.level === 'warn');
    expect(warnings.map((w) => w.message)).toEqual([
      'executor "inline" has no pools, so the pool option is ignored: tasks that ask for pool ' +
        '"gpu" (the first: pools.thread#0) run on "inline" like the others',
      'executor "inline" has no pools, so the pool option is ignored: tasks that ask for pool ' +
        '"heavy" (the first: pools.heavyThread#2) run on "inline" like the others',
    ]);
    expect(warnings[0]!.fields).toMatchObject({ pool: 'gpu', task: 'pools.thread#0' });
    // The warnings are the run's own log events too (task -1), as the run store keeps them.
    expect(rec.events.filter((e) => e.type === 'log' && e.level === 'warn')).toHaveLength(2);
  });
});
