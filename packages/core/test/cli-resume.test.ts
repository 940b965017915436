/**
 * Runs that stop and go on, through the command: `weft resume` after a
 * SIGKILL of `weft run` midway, `weft rerun --from-failure`, Ctrl-C
 * (SIGINT) leaving a resumable run, and `weft cancel` from another process.
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

interface TaskRow {
  label: string;
  state: string;
}

/** The tasks of a run as the store has them now. */
async function tasksOf(dir: string, id: string): Promise<TaskRow[]> {
  const r = await weft(['show', id, '--json'], dir);
  return r.code === 0 ? (JSON.parse(r.stdout) as { tasks: TaskRow[] }).tasks : [];
}

async function runState(dir: string, id: string): Promise<string | undefined> {
  const r = await weft(['runs', '--json'], dir);
  return (JSON.parse(r.stdout) as { id: string; state: string }[]).find((x) => x.id === id)?.state;
}

/** Starts steps.ts held at step 2; resolves once s0 and s1 are recorded as succeeded. */
async function startHeld(dir: string) {
  writeFileSync(join(dir, 'hold'), '');
  const run = start(['run', 'steps.ts', '--json'], dir);
  let id: string | undefined;
  await waitFor(() => {
    id = runIdOf(run.out);
    return id !== undefined;
  }, 'the run id');
  await waitFor(async () => {
    if (!effects(dir).includes('start step2')) return false;
    const done = (await tasksOf(dir, id!))
      .filter((t) => t.state === 'succeeded')
      .map((t) => t.label);
    return ['s0', 's1', 'side'].every((l) => done.includes(l));
  }, 's0, s1 and side recorded as succeeded');
  return { run, id: id! };
}

describe('weft resume', () => {
  it('continues a run killed with SIGKILL midway: every task ran, none that succeeded twice', async () => {
    const dir = project();
    const { run, id } = await startHeld(dir);
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
    expect(effects(dir)).not.toContain('step3');
    rmSync(join(dir, 'hold'));

    const r = await weft(['resume', id.slice(0, 8)], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`resume ${id} (steps.ts)`);
    expect(tally(effects(dir))).toEqual({
      side: 1,
      step0: 1,
      step1: 1,
      'start step2': 2, // started before the kill, and again
      step2: 1,
      step3: 1,
    });
    expect(await runState(dir, id)).toBe('succeeded');
  });
});

describe('weft rerun --from-failure', () => {
  it('reruns only the failed task and what depends on it', async () => {
    const dir = project();
    writeFileSync(join(dir, 'fail-step2'), '');
    const failed = await weft(['run', 'steps.ts'], dir);
    expect(failed.code).toBe(1);
    const id = /· run (\S+)/.exec(failed.stderr)![1]!;
    expect(effects(dir).sort()).toEqual(['side', 'start step2', 'step0', 'step1']);

    rmSync(join(dir, 'fail-step2'));
    rmSync(join(dir, 'effects.txt'));
    const r = await weft(['rerun', id, '--from-failure', '--json'], dir);
    expect(r.code).toBe(0);
    expect(effects(dir)).toEqual(['start step2', 'step2', 'step3']);
    const newId = JSON.parse(r.stdout.split('\n')[0]!).runId as string;
    expect(newId).not.toBe(id);
    const states = (await tasksOf(dir, newId)).map((t) => [t.label, t.state]);
    expect(states).toEqual([
      ['side', 'cached'],
      ['s0', 'cached'],
      ['s1', 'cached'],
      ['s2', 'succeeded'],
      ['s3', 'succeeded'],
    ]);
  });
});

describe('stopping a run', () => {
  it('Ctrl-C (SIGINT) cancels the run, exits 130 and leaves it resumable', async () => {
    const dir = project();
    const { run, id } = await startHeld(dir);
    run.child.kill('SIGINT');
    const end = await run.exited;
    expect(end.code).toBe(130);
    expect(end.stderr).toContain(`weft resume ${id}`);
    expect(await runState(dir, id)).toBe('cancelled');

    rmSync(join(dir, 'hold'));
    const r = await weft(['resume', id], dir);
    expect(r.code).toBe(0);
    expect(tally(effects(dir))).toMatchObject({ step0: 1, step1: 1, step2: 1, step3: 1, side: 1 });
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s stops the run as Ctrl-C does, exits %i, and leaves it resumable',
    async (signal, code) => {
      const dir = project();
      const { run, id } = await startHeld(dir);
      run.child.kill(signal);
      const end = await run.exited;
      expect(end.code).toBe(code);
      expect(end.stderr).toContain(`run ${id} was interrupted by ${signal}`);
      expect(end.stderr).toContain(`weft resume ${id}`);
      expect(await runState(dir, id)).toBe('cancelled');
      rmSync(join(dir, 'hold'));
      const r = await weft(['resume', id], dir);
      expect(r.code).toBe(0);
      expect(tally(effects(dir))).toMatchObject({ step0: 1, step1: 1, step2: 1, step3: 1 });
    },
  );

  it('weft cancel from another process stops a running run', async () => {
    const dir = project();
    const { run, id } = await startHeld(dir);
    const c = await weft(['cancel', id, '--wait'], dir);
    expect(c.code).toBe(0);
    expect(c.stderr).toContain(`run ${id} ended: cancelled`);
    const end = await run.exited;
    expect([1, 130]).toContain(end.code);
    expect(await runState(dir, id)).toBe('cancelled');
    expect(effects(dir)).not.toContain('step3');

    const again = await weft(['cancel', id], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`run ${id} is not running (cancelled): nothing to cancel`);
  });
});
