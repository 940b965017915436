/**
 * The front-end seam: a run built through `NodeGraph` alone, without
 * futures, as the targets, steps and import front ends will build theirs;
 * explicit dependencies; an executor that cannot carry child submissions;
 * the dispatch behaviour chain.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createInlineExecutor,
  type Executor,
  type RunEvent,
  RunFailedError,
  submit,
  task,
} from '@weft/core';
import { outputOf, startGraph } from '@weft/core/frontend';
import { describe, expect, it } from 'vitest';
import { rejection } from './helpers.ts';

const load = task('seam.load', async (_ctx, name: string) => `${name}:data`);
const merge = task(
  'seam.merge',
  async (_ctx, parts: { a: string; b: string }) => `${parts.a}+${parts.b}`,
);
const order: string[] = [];
const mark = task('seam.mark', async (_ctx, name: string) => {
  order.push(`start ${name}`);
  await new Promise((r) => setTimeout(r, name === 'slow' ? 30 : 0));
  order.push(`end ${name}`);
  return name;
});
const boom = task('seam.boom', async () => {
  throw new Error('boom');
});

describe('a graph built through the NodeGraph seam', () => {
  it('adds nodes whose outputs are edges, with labels and per-node options', async () => {
    const events: RunEvent[] = [];
    const r = startGraph<number>(
      ({ graph, parentId }) => {
        const a = graph.add({ task: load, args: ['a'], parent: parentId, label: 'first' });
        const b = graph.add({ task: load, args: ['b'], parent: parentId });
        const j = graph.add({
          task: merge,
          args: [{ a: outputOf(graph, a), b: outputOf(graph, b) }],
          parent: parentId,
          options: { retries: 3, priority: 5 },
        });
        expect([a, b, j]).toEqual([0, 1, 2]);
        expect(graph.labelOf(a)).toBe('first');
        return j;
      },
      { record: false, onEvent: (e) => events.push(e) },
    );
    const j = await r.result;
    expect(r.labels.get('first')).toBe(0);
    const joined = events.find((e) => e.type === 'succeeded' && e.taskId === j);
    expect(joined).toBeDefined();
    const submitted = events.filter((e) => e.type === 'submitted');
    expect(submitted.map((e) => (e.type === 'submitted' ? e.deps : []))).toEqual([[], [], [0, 1]]);
  });

  it('runs a node after its explicit dependencies, without passing their values', async () => {
    order.length = 0;
    const r = startGraph(
      ({ graph }) => {
        const slow = graph.add({ task: mark, args: ['slow'], parent: -1 });
        graph.add({ task: mark, args: ['next'], parent: -1, after: [slow] });
      },
      { record: false },
    );
    await r.result;
    expect(order).toEqual(['start slow', 'end slow', 'start next', 'end next']);
  });

  it('skips a node whose explicit dependency failed', async () => {
    const events: RunEvent[] = [];
    const r = startGraph(
      ({ graph }) => {
        const b = graph.add({ task: boom, args: [], parent: -1 });
        graph.add({ task: load, args: ['never'], parent: -1, after: [b] });
      },
      { record: false, keepGoing: true, onEvent: (e) => events.push(e) },
    );
    const error = await rejection(r.result);
    expect(error).toBeInstanceOf(RunFailedError);
    expect(events.some((e) => e.type === 'upstream_failed' && e.taskId === 1)).toBe(true);
  });

  it('refuses an explicit dependency on a node the run does not have, naming it', async () => {
    const r = startGraph(
      ({ graph }) => graph.add({ task: load, args: ['x'], parent: -1, after: [7] }),
      {
        record: false,
      },
    );
    const error = (await rejection(r.result)) as RunFailedError;
    expect(error.message).toContain('after names node 7, which this run does not have');
  });

  it('refuses a node of something that is not a task, saying how to make one', async () => {
    const r = startGraph(
      ({ graph }) => graph.add({ task: (() => 1) as never, args: [], parent: -1 }),
      { record: false },
    );
    const error = await rejection(r.result);
    expect((error as Error).message).toContain('submit() expects a task made with task()');
  });
});

describe('an executor that cannot carry child submissions', () => {
  it('fails a task that submits, naming the task, the child and the executor', async () => {
    const child = task('seam.child', async () => 1);
    const parent = task('seam.parent', async () => submit(child));
    const inner = createInlineExecutor();
    const batch: Executor = {
      name: 'ahead-of-time',
      capacity: inner.capacity,
      carriesChildren: false,
      run: (inv, signal) => inner.run(inv, signal),
      [Symbol.asyncDispose]: async () => {},
    };
    const r = startGraph(({ graph }) => graph.add({ task: parent, args: [], parent: -1 }), {
      record: false,
      executor: batch,
    });
    const error = (await rejection(r.result)) as RunFailedError;
    expect(error.failures[0]?.error.code).toBe('WEFT_CHILDREN_NOT_CARRIED');
    expect(error.failures[0]?.error.message).toContain(
      'task seam.parent#0 submitted seam.child, but executor "ahead-of-time" cannot carry',
    );
  });
});

describe('the dispatch behaviour chain', () => {
  it('starts with the cache in a recorded run, and is empty when nothing is recorded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-seam-'));
    const recorded = startGraph(({ graph }) => graph.add({ task: load, args: ['a'], parent: -1 }), {
      store: `${dir}/weft.db`,
      cache: 'read',
    });
    await recorded.result;
    expect(recorded.behaviours()).toEqual([{ name: 'cache', options: { mode: 'read' } }]);
    const bare = startGraph(({ graph }) => graph.add({ task: load, args: ['a'], parent: -1 }), {
      record: false,
    });
    await bare.result;
    expect(bare.behaviours()).toEqual([]);
  });
});
