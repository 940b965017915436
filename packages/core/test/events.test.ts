import {
  inline,
  RunCancelledError,
  type RunEvent,
  type RunHandle,
  run,
  startRun,
  submit,
  type TaskEvent,
  task,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { recorder, rejection, sleep } from './helpers.ts';

const ok = task('ok', async (_ctx, ..._inputs: unknown[]) => {
  await sleep();
  return 1;
});
const fail = task('fail', async () => {
  await sleep();
  throw new Error('nope');
});

/** Allowed successors of each task event type. */
const NEXT: Record<TaskEvent['type'], readonly TaskEvent['type'][]> = {
  submitted: ['ready', 'upstream_failed', 'cancelled', 'cached'],
  ready: ['started', 'cancelled', 'cached'],
  started: ['succeeded', 'failed', 'retrying', 'cancelled'],
  retrying: ['ready', 'cancelled'],
  succeeded: [],
  failed: [],
  upstream_failed: [],
  cancelled: [],
  cached: [],
};

function checkSequence(events: TaskEvent[]): void {
  expect(events[0]?.type).toBe('submitted');
  for (let i = 1; i < events.length; i++) {
    expect(NEXT[events[i - 1]!.type]).toContain(events[i]!.type);
    expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
  }
  expect(NEXT[events.at(-1)!.type]).toEqual([]);
}

describe('events', () => {
  it('reports every transition with taskId, name, label, attempt and time', async () => {
    const rec = recorder();
    const before = Date.now();
    const id = await run(async () => submit(ok.with({ label: 'the-one' })).id, {
      runId: 'ev',
      onEvent: rec.onEvent,
    });
    const events = rec.of(id);
    expect(events.map((e) => [e.type, e.attempt])).toEqual([
      ['submitted', 0],
      ['ready', 0],
      ['started', 1],
      ['succeeded', 1],
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ runId: 'ev', taskId: id, name: 'ok', label: 'the-one' });
      expect(e.time).toBeGreaterThanOrEqual(before);
      expect(e.time).toBeLessThanOrEqual(Date.now());
    }
  });

  it('starts with run_started and ends with run_finished carrying the outcome', async () => {
    const success = recorder();
    await run(async () => submit(ok), { onEvent: success.onEvent });
    expect(success.events[0]?.type).toBe('run_started');
    expect(success.events.at(-1)).toMatchObject({ type: 'run_finished', state: 'succeeded' });
    const failure = recorder();
    await rejection(run(async () => void submit(fail), { onEvent: failure.onEvent }));
    expect(failure.events.at(-1)).toMatchObject({ type: 'run_finished', state: 'failed' });
  });

  it('describes failures, retries, upstream failures and cancellations', async () => {
    const rec = recorder();
    const ids: Record<string, number> = {};
    await rejection(
      run(
        async () => {
          const bad = submit(fail.with({ retries: 1, backoff: { initial: 0 } }));
          const down = submit(ok, bad);
          const dropped = submit(ok);
          dropped.cancel();
          Object.assign(ids, { bad: bad.id, down: down.id, dropped: dropped.id });
        },
        { keepGoing: true, onEvent: rec.onEvent },
      ),
    );
    expect(rec.typesOf(ids.bad!)).toEqual([
      'submitted',
      'ready',
      'started',
      'retrying',
      'ready',
      'started',
      'failed',
    ]);
    const [failed] = rec.ofType('failed');
    expect(failed).toMatchObject({ attempt: 2, error: { name: 'Error', message: 'nope' } });
    expect(rec.of(ids.down!)).toMatchObject([
      { type: 'submitted', deps: [ids.bad] },
      { type: 'upstream_failed', upstreamId: ids.bad },
    ]);
    expect(rec.of(ids.dropped!).at(-1)).toMatchObject({
      type: 'cancelled',
      reason: expect.stringContaining('Future.cancel()'),
    });
  });

  it('gives every task a sane order of events in a mixed run', async () => {
    const rec = recorder();
    await rejection(
      run(
        async () => {
          const a = submit(ok);
          const b = submit(fail.with({ retries: 2, backoff: { initial: 0 } }));
          const c = submit(ok, a, b);
          submit(ok, [c]);
          submit(ok, a).cancel();
          for (let i = 0; i < 5; i++) submit(ok, a);
        },
        { executor: inline({ concurrency: 2 }), keepGoing: true, onEvent: rec.onEvent },
      ),
    );
    const ids = new Set(rec.ofType('submitted').map((e) => e.taskId));
    expect(ids.size).toBe(10);
    for (const id of ids) checkSequence(rec.of(id));
  });

  it('is plain data that survives structuredClone', async () => {
    const rec = recorder();
    await rejection(run(async () => void submit(fail), { onEvent: rec.onEvent }));
    for (const e of rec.events) expect(structuredClone(e)).toEqual(e);
  });
});

describe('RunHandle.events', () => {
  it('yields the same events as onEvent, in order, and ends after run_finished', async () => {
    const rec = recorder();
    const handle = startRun(
      async () => {
        const a = submit(ok);
        submit(ok, a);
      },
      { onEvent: rec.onEvent },
    );
    const streamed: RunEvent[] = [];
    for await (const e of handle.events) streamed.push(e);
    expect(streamed).toEqual(rec.events);
    expect(streamed.at(-1)?.type).toBe('run_finished');
  });

  it('buffers the events its reader has not taken yet', async () => {
    const handle = startRun(async () => {
      for (let i = 0; i < 5; i++) submit(ok);
    });
    const iterator = handle.events[Symbol.asyncIterator]();
    const first = await iterator.next();
    await handle.result(); // the whole run happens while the reader waits
    const rest: string[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value.type);
    expect(first.value?.type).toBe('run_started');
    expect(rest.filter((t) => t === 'succeeded')).toHaveLength(5);
    expect(rest.at(-1)).toBe('run_finished');
  });

  it('ends at once when first read after the run finished', { timeout: 1000 }, async () => {
    const handle = startRun(async () => submit(ok));
    await handle.result();
    const late: string[] = [];
    for await (const e of handle.events) late.push(e.type);
    expect(late.filter((t) => t !== 'run_finished')).toEqual([]);
  });
});

describe('RunOptions.onEvent', () => {
  it('a listener that throws does not hang the run', { timeout: 1000 }, async () => {
    const outcome = await run(async () => submit(ok), {
      onEvent: (e) => {
        if (e.type === 'succeeded') throw new Error('listener broke');
      },
    }).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    // Either the listener's error is reported by the run, or the run goes on.
    if ('error' in outcome) expect(String(outcome.error)).toContain('listener broke');
    else expect(outcome.value).toBe(1);
  });

  it('may cancel the run: every listener sees one order, and the task does not run', async () => {
    let ran = false;
    const t = task('t', async () => {
      ran = true;
    });
    const rec = recorder();
    const handle: RunHandle<void> = startRun(async () => void submit(t), {
      onEvent: (e) => {
        rec.onEvent(e);
        if (e.type === 'started') handle.cancel('seen the start');
      },
      cancelGrace: '50ms',
    });
    const streamed: RunEvent[] = [];
    for await (const e of handle.events) streamed.push(e);
    expect(await rejection(handle.result())).toBeInstanceOf(RunCancelledError);
    expect(ran).toBe(false);
    expect(streamed).toEqual(rec.events);
    const id = rec.ofType('submitted')[0]!.taskId;
    expect(rec.typesOf(id)).toEqual(['submitted', 'ready', 'started', 'cancelled']);
  });
});
