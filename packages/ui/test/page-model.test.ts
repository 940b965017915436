/**
 * What the page draws of a run's tasks (`page/src/graph/model.ts`) and how
 * the live stream's updates change them (`applyUpdates`): one node per
 * task up to the threshold, groups by name above it, an expanded group's
 * tiles, edges counted between drawn nodes, and a shape that changes only
 * when the layout must; and the timeline's lanes (`timeline-model.ts`).
 */
import { describe, expect, it } from 'vitest';
import { drawnGraph, EXPAND_MAX } from '../page/src/graph/model.js';
import { LANE, layoutTimeline, MAX_LANES } from '../page/src/run/timeline-model.js';
import { applyUpdates } from '../page/src/run/useRun.js';
import type { AttemptBar, TaskNode, TaskStateName, TaskUpdate } from '../src/index.js';

function task(
  id: number,
  name: string,
  deps: number[] = [],
  state: TaskStateName = 'pending',
): TaskNode {
  return {
    id,
    name,
    label: null,
    state,
    deps,
    parentId: -1,
    attempts: 0,
    startedAt: null,
    endedAt: null,
    worker: null,
    error: null,
  };
}

/** load → square ×n → merge, as the 10,000-task test run has it. */
function fan(n: number): TaskNode[] {
  const tasks = [task(0, 'load', [], 'succeeded')];
  for (let i = 1; i <= n; i++) tasks.push(task(i, 'square', [0], i === 5 ? 'failed' : 'running'));
  tasks.push(
    task(
      n + 1,
      'merge',
      tasks.slice(1).map((t) => t.id),
    ),
  );
  return tasks;
}

describe('the drawn graph', () => {
  it('draws each task up to the threshold, with its edges', () => {
    const g = drawnGraph(fan(3), new Set(), 10);
    expect(g.grouped).toBe(false);
    expect(g.nodes.map((n) => [n.key, n.kind, n.state])).toEqual([
      ['t0', 'task', 'succeeded'],
      ['t1', 'task', 'running'],
      ['t2', 'task', 'running'],
      ['t3', 'task', 'running'],
      ['t4', 'task', 'pending'],
    ]);
    expect(g.edges).toHaveLength(6);
    expect(g.edges.every((e) => e.count === 1)).toBe(true);
  });

  it('groups by name above the threshold, counting states and edges', () => {
    const g = drawnGraph(fan(1000), new Set());
    expect(g.grouped).toBe(true);
    expect(g.nodes.map((n) => [n.key, n.total, n.state])).toEqual([
      ['g:load', 1, 'succeeded'],
      ['g:square', 1000, 'failed'],
      ['g:merge', 1, 'pending'],
    ]);
    expect(g.nodes[1]!.counts).toEqual({ running: 999, failed: 1 });
    expect(g.edges).toEqual([
      { from: 'g:load', to: 'g:square', count: 1000 },
      { from: 'g:square', to: 'g:merge', count: 1000 },
    ]);
  });

  it('opens an expanded group into tiles, the failed first, up to the cap', () => {
    const g = drawnGraph(fan(1000), new Set(['square']));
    const box = g.nodes.find((n) => n.key === 'x:square')!;
    expect(box.kind).toBe('expanded');
    expect(box.title).toBe(`square ×1,000 (${EXPAND_MAX} shown)`);
    expect(box.tiles).toHaveLength(EXPAND_MAX);
    expect(box.tiles!.slice(0, 3).map((t) => t.id)).toEqual([5, 1, 2]);
    expect(g.edges.map((e) => [e.from, e.to, e.count])).toEqual([
      ['g:load', 'x:square', 1000],
      ['x:square', 'g:merge', 1000],
    ]);
  });

  it('keeps its shape when states change, and changes it when a group opens or a task is added', () => {
    const tasks = fan(500);
    const before = drawnGraph(tasks, new Set()).shape;
    const recoloured = tasks.map((t) => ({ ...t, state: 'succeeded' as const }));
    expect(drawnGraph(recoloured, new Set()).shape).toBe(before);
    expect(drawnGraph(tasks, new Set(['square'])).shape).not.toBe(before);
    expect(drawnGraph([...tasks, task(999, 'report', [501])], new Set()).shape).not.toBe(before);
  });
});

describe('updates of the live stream', () => {
  const update = (
    u: Partial<TaskUpdate> & Pick<TaskUpdate, 'id' | 'type' | 'state'>,
  ): TaskUpdate => ({
    seq: 1,
    time: 1000,
    attempt: 1,
    ...u,
  });

  it('adds submitted tasks and folds state changes; returns when tasks ended', () => {
    const tasks = new Map([[0, task(0, 'load')]]);
    const ended = applyUpdates(
      tasks,
      [
        update({
          id: 1,
          type: 'submitted',
          state: 'pending',
          attempt: 0,
          task: task(1, 'square', [0]),
        }),
        update({ id: 0, type: 'started', state: 'running', worker: 'thread 2', time: 10 }),
        update({ id: 0, type: 'retrying', state: 'pending', error: 'flaky', time: 20 }),
        update({ id: 0, type: 'started', state: 'running', attempt: 2, time: 30 }),
        update({ id: 0, type: 'succeeded', state: 'succeeded', attempt: 2, time: 40 }),
        update({ id: 7, type: 'failed', state: 'failed' }),
      ],
      true,
    );
    expect(tasks.get(0)).toMatchObject({
      state: 'succeeded',
      attempts: 2,
      startedAt: 30,
      endedAt: 40,
      worker: 'thread 2',
      error: null,
    });
    expect(tasks.get(1)).toMatchObject({ name: 'square', deps: [0], state: 'pending' });
    expect(tasks.has(7)).toBe(false);
    expect(ended).toEqual([40]);
  });

  it('adds no task beyond a truncated snapshot', () => {
    const tasks = new Map<number, TaskNode>();
    applyUpdates(
      tasks,
      [update({ id: 3, type: 'submitted', state: 'pending', task: task(3, 'square') })],
      false,
    );
    expect(tasks.size).toBe(0);
  });
});

describe('the timeline', () => {
  const bar = (task: number, worker: string, start: number, end: number | null): AttemptBar => ({
    task,
    name: 'step',
    attempt: 1,
    worker,
    start,
    end,
    outcome: end === null ? 'running' : 'succeeded',
  });

  it('gives each worker a block, in natural order, and packs overlapping attempts into lanes', () => {
    const t = layoutTimeline(
      [
        bar(0, 'thread 10', 0, 50),
        bar(1, 'thread 2', 0, 100),
        bar(2, 'thread 2', 10, 20),
        bar(3, 'thread 2', 30, null),
        bar(4, 'thread 2', 120, 130),
      ],
      200,
    );
    expect(t.blocks.map((b) => b.worker)).toEqual(['thread 2', 'thread 10']);
    expect(t.start).toBe(0);
    expect(t.span).toBe(200);
    const y = new Map(t.placed.map((p) => [p.bar.task, p.y]));
    expect(y.get(1)).toBe(y.get(4)); // lane 0 again once the first attempt ended
    expect(y.get(2)! - y.get(1)!).toBe(LANE);
    expect(y.get(3)).toBe(y.get(2)); // lane 1 freed at 20
    expect(y.get(0)).toBeGreaterThanOrEqual(t.blocks[1]!.top);
  });

  it('stops adding lanes at the cap: then attempts share the lane that frees first', () => {
    const bars = Array.from({ length: MAX_LANES + 5 }, (_, i) => bar(i, 'inline', i, 1000 + i));
    const t = layoutTimeline(bars, 2000);
    expect(new Set(t.placed.map((p) => p.y)).size).toBe(MAX_LANES);
    expect(t.blocks[0]!.height).toBe(t.height);
  });
});
