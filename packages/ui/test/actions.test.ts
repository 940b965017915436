/**
 * The actions of `weft ui` on runs of other processes: cancel stops a
 * running run; rerun from failure starts `weft rerun <id> --from-failure`,
 * which reuses what succeeded; both refuse what the run's state does not
 * allow, and a rerun runs nothing but the recorded run's exact id.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, submit } from '@weft/core';
import type { RunRecord } from '@weft/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionResult } from '../src/index.js';
import { explode } from './fixtures/tasks.ts';
import { cleanup, project, stopAll, waitFor, weft } from './harness/project.ts';
import { type Served, serve, stubPage } from './harness/ui.ts';

let p: { dir: string; store: string };
let ui: Served;

beforeAll(async () => {
  p = project();
  await expect(
    run(async () => submit(explode), { store: p.store, cwd: p.dir, runId: '-rf' }),
  ).rejects.toThrow();
  ui = await serve(p.store, { pageDir: stubPage(), cwd: p.dir });
});

afterAll(async () => {
  await stopAll();
  await ui?.close();
  cleanup();
});

const post = (path: string) => ui.api(path, { method: 'POST' });

async function errorOf(r: Response): Promise<{ status: number; message: string }> {
  return {
    status: r.status,
    message: ((await r.json()) as { error: { message: string } }).error.message,
  };
}

/** The run of `workflow` recorded once it is in `state`. */
async function recorded(workflow: string, state: RunRecord['state']): Promise<RunRecord> {
  let found: RunRecord | undefined;
  await waitFor(() => {
    found = ui.store
      .runs({ limit: 100 })
      .find((r) => r.workflow?.endsWith(workflow) && r.state === state);
    return found !== undefined;
  }, `a ${state} run of ${workflow}`);
  return found!;
}

describe('cancel', () => {
  it('asks a run of another process to cancel; it stops, and is no longer running', async () => {
    const child = weft(['run', 'live.ts', '--store', p.store], p.dir);
    const live = await recorded('live.ts', 'running');
    const r = await post(`/api/runs/${live.id}/cancel`);
    expect(r.status).toBe(202);
    expect(((await r.json()) as ActionResult).message).toBe(`asked run ${live.id} to cancel`);
    await recorded('live.ts', 'cancelled');
    expect((await child.exited).code).not.toBe(0);
    expect(await errorOf(await post(`/api/runs/${live.id}/cancel`))).toEqual({
      status: 409,
      message: `run ${live.id} is not running (cancelled): nothing to cancel`,
    });
  });

  it('refuses an unknown run, and a prefix of a run id (an action names its run exactly)', async () => {
    expect(await errorOf(await post('/api/runs/nope/cancel'))).toEqual({
      status: 404,
      message: `no run "nope" is recorded in ${ui.store.location}`,
    });
    expect((await post('/api/runs/-r/cancel')).status).toBe(404);
  });
});

describe('rerun from failure', () => {
  it('starts weft rerun --from-failure, a new run that reuses what succeeded', async () => {
    const first = weft(['run', 'flaky.ts', '--store', p.store], p.dir);
    expect((await first.exited).code).toBe(1);
    const failed = await recorded('flaky.ts', 'failed');
    writeFileSync(join(p.dir, 'fixed'), '');
    const r = await post(`/api/runs/${failed.id}/rerun`);
    expect(r.status).toBe(202);
    const answer = (await r.json()) as ActionResult;
    expect(answer.pid).toBeGreaterThan(0);
    expect(answer.message).toContain(`started weft rerun ${failed.id} --from-failure`);
    let again: RunRecord | undefined;
    await waitFor(() => {
      again = ui.store
        .runs({ limit: 100 })
        .find((x) => x.rerunOf === failed.id && x.state !== 'running');
      return again !== undefined;
    }, 'the rerun to end');
    expect(again!.state).toBe('succeeded');
    const tasks = ui.store.tasks(again!.id);
    expect(tasks.map((t) => [t.name, t.state])).toEqual([
      ['prepare', 'cached'],
      ['check', 'succeeded'],
    ]);
    expect(await errorOf(await post(`/api/runs/${again!.id}/rerun`))).toEqual({
      status: 409,
      message: `run ${again!.id} succeeded: there is no failure to rerun from`,
    });
  });

  it('starts nothing for a run id that is not a plain name', async () => {
    expect(await errorOf(await post('/api/runs/-rf/rerun'))).toEqual({
      status: 409,
      message:
        'run id "-rf" is not one weft ui passes to a command (letters, digits, ., _ and -); run weft rerun yourself',
    });
    expect(ui.store.runs({ limit: 100 }).some((r) => r.rerunOf === '-rf')).toBe(false);
  });

  it('starts nothing when the server was given no weft command', async () => {
    const off = await serve(p.store, { pageDir: stubPage(), weftBin: false });
    try {
      const r = await off.api('/api/runs/-rf/rerun', { method: 'POST' });
      expect(await errorOf(r)).toEqual({
        status: 409,
        message: 'this weft ui starts no reruns (it was not given a weft command)',
      });
      expect(((await (await off.api('/api/info')).json()) as { canRerun: boolean }).canRerun).toBe(
        false,
      );
    } finally {
      await off.close();
    }
  });
});
