/**
 * Rules' steps run wherever tasks run: in worker threads and processes a
 * worker imports the rules' module and finds each step's task by name; a
 * named state's value crosses to the step that needs it; a step's `need()`
 * travels from the worker to the coordinator's planner and back.
 */
import { readFileSync } from 'node:fs';
import { build, type Executor, processesExecutor, targets, threadsExecutor } from '@weft/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './fixtures/targets/sandbox.ts';

const RULES = new URL('./fixtures/targets/worker-rules.ts', import.meta.url);

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.close());

describe.each(['threads', 'processes'] as const)('rules on the %s executor', (kind) => {
  const open: Executor[] = [];
  afterEach(async () => {
    for (const e of open.splice(0)) await e[Symbol.asyncDispose]();
  });

  it('run their steps in workers, and a step needs targets from there', async () => {
    const rules = await import(RULES.href);
    const executor =
      kind === 'threads' ? threadsExecutor({ max: 2 }) : processesExecutor({ max: 2 });
    open.push(executor);
    const report = await build('tree.txt', { rules, executor, record: false });
    expect(report.ran).toBe(5);
    const tree = JSON.parse(readFileSync('tree.txt', 'utf8')) as {
      where: string;
      me: string;
      texts: string[];
    };
    const coordinator = `${process.pid}/0`;
    expect(tree.me).not.toBe(coordinator);
    expect(tree.where).not.toBe(coordinator);
    expect(tree.texts.map((t) => t.split(' ')[0])).toEqual(['1', '2', '3']);
    for (const t of tree.texts) expect(t.split(' ')[1]).not.toBe(coordinator);
    // What the step asked for from the worker is recorded as its input.
    const p = targets.plan('tree.txt', { rules });
    expect([...p.jobs()].filter((j) => j.runs).map((j) => j.target)).toEqual(['where', 'tree.txt']);
    expect([...p.jobs()].map((j) => j.target)).toContain('leaf/2.txt');
  });
});
