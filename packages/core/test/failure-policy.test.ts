import {
  CancelledError,
  type Future,
  inline,
  RunFailedError,
  run,
  submit,
  task,
  UpstreamFailedError,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { aborted, deferred, recorder, rejection, sleep } from './helpers.ts';

const fail = task('fail', async (_ctx, why: string): Promise<number> => {
  await sleep();
  throw new Error(why);
});
const step = task('step', async (_ctx, ...inputs: unknown[]) => inputs);

describe('fail fast (the default)', () => {
  it('cancels running tasks through their signal and rejects with RunFailedError', async () => {
    const reasons: unknown[] = [];
    const started = deferred();
    const watcher = task('watcher', async (ctx) => {
      started.resolve();
      reasons.push(await aborted(ctx.signal));
      return 'finished anyway';
    });
    const rec = recorder();
    let ids: number[] = [];
    const error = await run(
      async () => {
        const w = submit(watcher);
        await started.promise;
        const f = submit(fail, 'broken');
        ids = [w.id, f.id];
      },
      { onEvent: rec.onEvent, cancelGrace: '50ms' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as RunFailedError).failures.map((f) => f.id)).toEqual([ids[1]]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(CancelledError);
    expect((reasons[0] as Error).message).toContain(`fail-fast: fail#${ids[1]} failed`);
    // The watcher's late success is ignored: it ends cancelled.
    expect(rec.typesOf(ids[0]!).at(-1)).toBe('cancelled');
  });

  it('dispatches nothing after the failure: waiting tasks end cancelled and never start', async () => {
    let started = 0;
    const counted = task('counted', async () => {
      started++;
      await sleep(5);
    });
    const rec = recorder();
    const error = await run(
      async () => {
        submit(fail, 'first'); // takes the only slot first
        for (let i = 0; i < 5; i++) submit(counted);
      },
      { executor: inline({ concurrency: 1 }), onEvent: rec.onEvent, cancelGrace: '50ms' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect(started).toBe(0);
    expect(rec.ofType('cancelled').map((e) => e.name)).toEqual(Array(5).fill('counted'));
    expect(rec.ofType('started').map((e) => e.name)).toEqual(['fail']);
  });

  it('makes the dependents of the failed task upstream_failed, not cancelled', async () => {
    const rec = recorder();
    let ids: number[] = [];
    const outcome = await rejection(
      run(
        async () => {
          const bad = submit(fail, 'bad');
          const mid = submit(step, bad);
          const leaf = submit(step, { from: mid });
          ids = [bad.id, mid.id, leaf.id];
        },
        { onEvent: rec.onEvent, cancelGrace: '50ms' },
      ),
    );
    expect(outcome).toBeInstanceOf(RunFailedError);
    expect(rec.typesOf(ids[1]!)).toEqual(['submitted', 'upstream_failed']);
    expect(rec.typesOf(ids[2]!)).toEqual(['submitted', 'upstream_failed']);
  });

  it('ends a task submitted with an already failed future upstream_failed', async () => {
    let future: Future<unknown> | undefined;
    const outcome = await rejection(
      run(
        async () => {
          const bad = submit(fail, 'bad');
          await rejection(bad);
          future = submit(step, bad);
          await rejection(future);
        },
        { cancelGrace: '50ms' },
      ),
    );
    expect(outcome).toBeInstanceOf(RunFailedError);
    expect(future?.state).toBe('upstream_failed');
    expect(future?.exception()).toBeInstanceOf(UpstreamFailedError);
  });

  it('cancels the tasks when main throws', async () => {
    const started = deferred();
    const reasons: unknown[] = [];
    const watcher = task('watcher', async (ctx) => {
      started.resolve();
      reasons.push(await aborted(ctx.signal));
    });
    const error = await rejection(
      run(
        async () => {
          submit(watcher);
          await started.promise;
          throw new Error('main gave up');
        },
        { cancelGrace: '50ms' },
      ),
    );
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toContain('main gave up');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(CancelledError);
  });
});

describe('keepGoing', () => {
  it('runs everything that does not depend on a failure', async () => {
    const rec = recorder();
    const ran: string[] = [];
    const ok = task('ok', async (_ctx, name: string, ..._inputs: unknown[]) => {
      await sleep();
      ran.push(name);
      return name;
    });
    let f: { bad: number; down: number; downDown: number; mixed: number } | undefined;
    const error = await run(
      async () => {
        const bad = submit(fail, 'bad');
        const good = submit(ok, 'good');
        const down = submit(ok, 'down', bad);
        const downDown = submit(ok, 'downDown', [down]);
        const mixed = submit(ok, 'mixed', good, { bad });
        submit(ok, 'afterGood', good);
        f = { bad: bad.id, down: down.id, downDown: downDown.id, mixed: mixed.id };
      },
      { keepGoing: true, onEvent: rec.onEvent },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as RunFailedError).failures.map((x) => x.id)).toEqual([f!.bad]);
    expect(ran.sort()).toEqual(['afterGood', 'good']);
    expect(rec.of(f!.down).at(-1)).toMatchObject({ type: 'upstream_failed', upstreamId: f!.bad });
    expect(rec.of(f!.downDown).at(-1)).toMatchObject({
      type: 'upstream_failed',
      upstreamId: f!.down,
    });
    expect(rec.of(f!.mixed).at(-1)).toMatchObject({ type: 'upstream_failed', upstreamId: f!.bad });
    expect(rec.ofType('cancelled')).toEqual([]);
  });

  it('lets independent work start after a failure', async () => {
    const rec = recorder();
    const outcome = await rejection(
      run(
        async () => {
          await rejection(submit(fail, 'bad'));
          await submit(step, 'later');
        },
        { keepGoing: true, onEvent: rec.onEvent },
      ),
    );
    expect(outcome).toBeInstanceOf(RunFailedError);
    expect(rec.ofType('succeeded').map((e) => e.name)).toEqual(['step']);
  });

  it('gives a task submitted with a failed future an UpstreamFailedError naming the input', async () => {
    let bad: Future<number> | undefined;
    let next: Future<unknown> | undefined;
    let stateAtSubmit: string | undefined;
    const runError = await rejection(
      run(
        async () => {
          bad = submit(fail.with({ label: 'loader' }), 'bad');
          await rejection(bad);
          next = submit(step, { input: bad });
          stateAtSubmit = next.state;
        },
        { keepGoing: true },
      ),
    );
    expect((runError as RunFailedError).failures.map((f) => f.id)).toEqual([bad!.id]);
    expect(stateAtSubmit).toBe('upstream_failed');
    const error = await rejection(next!);
    expect(error).toBeInstanceOf(UpstreamFailedError);
    expect((error as Error).message).toBe(
      `task step#${next!.id} did not run: its input fail#${bad!.id} "loader" failed`,
    );
    expect((error as UpstreamFailedError).upstream).toEqual({
      id: bad!.id,
      name: 'fail',
      label: 'loader',
    });
    expect((error as Error).cause).toBe(bad!.exception());
  });

  it('names the direct input and keeps the root error as cause along a chain', async () => {
    let ids: number[] = [];
    let leafError: unknown;
    await rejection(
      run(
        async () => {
          const bad = submit(fail, 'root cause');
          const mid = submit(step, bad);
          const leaf = submit(step, mid);
          ids = [mid.id, leaf.id];
          leafError = await rejection(leaf);
        },
        { keepGoing: true },
      ),
    );
    expect((leafError as Error).message).toBe(
      `task step#${ids[1]} did not run: its input step#${ids[0]} did not run (upstream failed)`,
    );
    expect((leafError as Error).cause).toMatchObject({ message: 'root cause' });
  });

  it('ends the run with every task downstream of a failure upstream_failed, never hanging', async () => {
    const rec = recorder();
    const outcome = await rejection(
      run(
        async () => {
          const bad = submit(fail, 'bad');
          let layer: Future<unknown>[] = [bad];
          for (let depth = 0; depth < 4; depth++) {
            layer = [submit(step, layer), submit(step, layer[0]), submit(step, { all: layer })];
          }
        },
        { keepGoing: true, onEvent: rec.onEvent },
      ),
    );
    expect(outcome).toBeInstanceOf(RunFailedError);
    expect(rec.ofType('upstream_failed')).toHaveLength(12);
    expect(rec.ofType('started').map((e) => e.name)).toEqual(['fail']);
  });

  it('lets submitted tasks finish when main throws', async () => {
    let finished = false;
    const slow = task('slow', async () => {
      await sleep(5);
      finished = true;
    });
    const error = await rejection(
      run(
        async () => {
          submit(slow);
          throw new Error('main gave up');
        },
        { keepGoing: true },
      ),
    );
    expect(error).toBeInstanceOf(RunFailedError);
    expect(finished).toBe(true);
  });
});
