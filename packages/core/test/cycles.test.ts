/**
 * Cycles: how CycleError describes one, and a run whose tasks wait on each
 * other in a circle (through awaits, which are not edges of the graph).
 */

import { CycleError, type Future, Graph, RunFailedError, run, submit, task } from '@weft/core';
import { describe, expect, it } from 'vitest';
import { rejection } from './helpers.ts';

function graphOf(nodes: number, edges: readonly (readonly [number, number])[]): Graph {
  const g = new Graph();
  for (let i = 0; i < nodes; i++) g.addNode();
  for (const [from, to] of edges) g.addEdge(from, to);
  return g;
}

describe('CycleError', () => {
  it('names every task of the cycle, closing it with the first', () => {
    const g = graphOf(3, [
      [0, 1],
      [1, 2],
    ]);
    // Adding 2 -> 0 would close 0 -> 1 -> 2 -> 0.
    const path = g.pathBetween(0, 2)!;
    const names = ['load', 'clean', 'merge'];
    const error = new CycleError(
      path.map((id) => ({ id, name: names[id]!, label: id === 1 ? 'step' : undefined })),
    );
    expect(error.code).toBe('WEFT_CYCLE');
    expect(error.message).toBe(
      'the graph has a cycle: load#0 -> clean#1 "step" -> merge#2 -> load#0',
    );
    expect(error.cycle.map((t) => t.id)).toEqual([0, 1, 2]);
  });

  it('describes a self-loop', () => {
    const g = graphOf(1, [[0, 0]]);
    const cycle = g.findCycle()!;
    const error = new CycleError(cycle.map((id) => ({ id, name: 'self' })));
    expect(error.message).toBe('the graph has a cycle: self#0 -> self#0');
  });
});

describe('a task awaiting a future that depends on it', () => {
  it('fails with CycleError instead of waiting forever', { timeout: 1000 }, async () => {
    let downstream: Future<unknown> | undefined;
    const waitsForDownstream = task('upstream', async () => await downstream!);
    const next = task('downstream', async (_ctx, x: unknown) => x);
    let ids: number[] = [];
    const error = await rejection(
      run(async () => {
        const up = submit(waitsForDownstream);
        downstream = submit(next, up);
        ids = [up.id, downstream.id];
      }),
    );
    expect(error).toBeInstanceOf(RunFailedError);
    const [failure] = (error as RunFailedError).failures;
    expect(failure?.error.code).toBe('WEFT_CYCLE');
    expect(failure?.error.message).toContain(`upstream#${ids[0]}`);
    expect(failure?.error.message).toContain(`downstream#${ids[1]}`);
  });

  it('fails with CycleError when a task awaits its own future', { timeout: 1000 }, async () => {
    let own: Future<unknown> | undefined;
    const selfish = task('selfish', async () => await own!);
    const error = await rejection(
      run(async () => {
        own = submit(selfish);
      }),
    );
    expect((error as RunFailedError).failures[0]?.error.code).toBe('WEFT_CYCLE');
  });
});
