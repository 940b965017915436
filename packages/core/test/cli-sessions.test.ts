/**
 * A run killed and resumed, as the weft command shows and continues it: the
 * dead run reads as interrupted (not running, its duration not growing);
 * two resumes at once run it once; a resume keeps the executor the run was
 * started with; the totals count the latest session, not both.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanup,
  effects,
  project,
  runIdOf,
  start,
  tally,
  waitFor,
  weft,
} from './fixtures/cli/harness.ts';

afterEach(cleanup);

interface RunRow {
  id: string;
  state: string;
  activeMs: number;
  executor: string;
  executorConfig: unknown;
  sessions: number;
  counts: Record<string, number>;
}

async function runOf(dir: string, id: string): Promise<RunRow> {
  const r = await weft(['runs', '--json'], dir);
  return (JSON.parse(r.stdout) as RunRow[]).find((x) => x.id === id)!;
}

/** Starts steps.ts held at step 2, kills it once s0 and s1 are recorded, and returns its id. */
async function killedHeld(dir: string, extra: readonly string[] = []): Promise<string> {
  writeFileSync(join(dir, 'hold'), '');
  const run = start(['run', 'steps.ts', '--json', ...extra], dir);
  let id: string | undefined;
  await waitFor(() => {
    id = runIdOf(run.out);
    return id !== undefined;
  }, 'the run id');
  await waitFor(async () => {
    const r = await weft(['show', id!, '--json'], dir);
    if (r.code !== 0) return false;
    const tasks = (JSON.parse(r.stdout) as { tasks: { label: string; state: string }[] }).tasks;
    const done = tasks.filter((t) => t.state === 'succeeded').map((t) => t.label);
    return (
      ['s0', 's1', 'side'].every((l) => done.includes(l)) && effects(dir).includes('start step2')
    );
  }, 's0, s1 and side recorded as succeeded');
  run.child.kill('SIGKILL');
  await run.exited;
  return id!;
}

describe('a run whose process was killed', () => {
  it('reads as interrupted, and its duration does not grow', async () => {
    const dir = project();
    const id = await killedHeld(dir);
    const first = await runOf(dir, id);
    expect(first.state).toBe('interrupted');
    await new Promise((r) => setTimeout(r, 300));
    expect((await runOf(dir, id)).activeMs).toBe(first.activeMs);
    const show = await weft(['show', id], dir);
    expect(show.stdout).toContain('interrupted');
  });

  it('is resumed once when two resumes start together; the other is refused, saying why', async () => {
    const dir = project();
    const id = await killedHeld(dir);
    // The held step keeps the winner running until the loser has been refused:
    // with the hold gone at once, a slow start of the second could find the run finished.
    const both = [weft(['resume', id], dir), weft(['resume', id], dir)] as const;
    const loser = await Promise.race(both);
    expect(loser.code, loser.stderr).toBe(2);
    rmSync(join(dir, 'hold'));
    const [a, b] = await Promise.all(both);
    expect([a.code, b.code].sort()).toEqual([0, 2]);
    expect(loser.stderr).toMatch(
      /was resumed by another process meanwhile|is still running \(process \d+ on this host\)/,
    );
    const counts = tally(effects(dir));
    for (const step of ['step0', 'step1', 'step2', 'step3', 'side']) expect(counts[step]).toBe(1);
  });

  it('is resumed under the executor it was started with, and counts each task once', async () => {
    const dir = project();
    const id = await killedHeld(dir, ['--executor', 'processes', '-j', '1']);
    expect((await runOf(dir, id)).executorConfig).toEqual({ kind: 'processes', max: 1 });
    rmSync(join(dir, 'hold'));
    const r = await weft(['resume', id, '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    const after = await runOf(dir, id);
    expect(after.executor).toBe('processes');
    expect(after.sessions).toBe(2);
    // The latest session's tasks: 5 in all (3 taken from the first session, 2 run).
    const total = Object.values(after.counts).reduce((x, y) => x + y, 0);
    expect(total).toBe(5);
    expect(after.counts).toMatchObject({ cached: 3, succeeded: 2 });
  });
});
