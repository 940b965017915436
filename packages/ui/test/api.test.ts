/**
 * The API of `weft ui` over a real store file: the token on every request,
 * the runs, a run's snapshot, a task's detail and result, the live stream
 * of a run written by another process, bad input, and a store that a
 * writer holds locked.
 */
import { DatabaseSync } from 'node:sqlite';
import { run, submit } from '@weft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow, RunSnapshot, TaskDetail, TaskUpdate } from '../src/index.js';
import { big, explode, shout, square, sum } from './fixtures/tasks.ts';
import { cleanup, openGate, project, stopAll, waitFor, weft } from './harness/project.ts';
import { readEvents } from './harness/sse.ts';
import { type Served, serve, stubPage } from './harness/ui.ts';

let p: { dir: string; store: string };
let ui: Served;

beforeAll(async () => {
  p = project();
  const options = { store: p.store, cwd: p.dir };
  await run(async () => submit(sum, ...[1, 2, 3].map((n) => submit(square, n))), {
    ...options,
    runId: 'sums-1',
  });
  await run(
    async () => {
      submit(shout, 'hi');
      return submit(big);
    },
    { ...options, runId: 'shout-1' },
  );
  await expect(run(async () => submit(explode), { ...options, runId: 'boom-1' })).rejects.toThrow();
  ui = await serve(p.store, { pageDir: stubPage() });
});

afterAll(async () => {
  await stopAll();
  await ui?.close();
  cleanup();
});

async function json<T>(response: Response): Promise<T> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as T;
}

describe('the token', () => {
  it('refuses a read without the token, or with a wrong one, naming what is missing', async () => {
    const none = await ui.api('/api/runs', { token: null });
    expect(none.status).toBe(401);
    expect(await json(none)).toEqual({
      error: {
        code: 'WEFT_UI_UNAUTHORIZED',
        message: expect.stringContaining('needs the token weft ui printed'),
      },
    });
    const wrong = ui.server.token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    for (const token of [wrong, 'short', `${ui.server.token}x`]) {
      const r = await ui.api('/api/runs', { token });
      expect(r.status).toBe(401);
      expect((await json<{ error: { message: string } }>(r)).error.message).toBe('wrong token');
    }
    expect((await ui.api('/api/runs')).status).toBe(200);
    const byQuery = await fetch(`${ui.server.origin}/api/runs?token=${ui.server.token}`);
    expect(byQuery.status).toBe(200);
  });

  it('refuses the live streams without the token', async () => {
    const r = await fetch(`${ui.server.origin}/api/stream/runs`);
    expect(r.status).toBe(401);
    const ok = await fetch(`${ui.server.origin}/api/stream/runs?token=${ui.server.token}`);
    expect(ok.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const [first] = await readEvents(ok, () => true);
    expect(first!.event).toBe('runs');
  });

  it('takes an action only with the token in the Authorization header', async () => {
    const cancel = `/api/runs/sums-1/cancel`;
    const none = await ui.api(cancel, { method: 'POST', token: null });
    expect(none.status).toBe(401);
    expect((await json<{ error: { message: string } }>(none)).error.message).toContain(
      'Authorization: Bearer header',
    );
    const inUrl = await fetch(`${ui.server.origin}${cancel}?token=${ui.server.token}`, {
      method: 'POST',
    });
    expect(inUrl.status).toBe(401);
    const rerun = await ui.api('/api/runs/boom-1/rerun', { method: 'POST', token: 'wrong-token' });
    expect(rerun.status).toBe(401);
    expect(ui.store.runs({ limit: 100 }).filter((r) => r.rerunOf === 'boom-1')).toEqual([]);
  });

  it('serves the page itself without the token, with headers that keep it to this origin', async () => {
    const r = await fetch(`${ui.server.origin}/runs/sums-1`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<title>stub</title>');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${ui.server.origin}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${ui.server.origin}/..%2f..%2fpackage.json`)).status).not.toBe(200);
  });
});

describe('reads', () => {
  it('lists the runs with their state, counts and workflow', async () => {
    const runs = await json<RunRow[]>(await ui.api('/api/runs'));
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get('sums-1')).toMatchObject({ state: 'succeeded', total: 4 });
    expect(byId.get('sums-1')!.counts.succeeded).toBe(4);
    expect(byId.get('boom-1')).toMatchObject({ state: 'failed' });
    const failed = await json<RunRow[]>(await ui.api('/api/runs?state=failed'));
    expect(failed.map((r) => r.id)).toEqual(['boom-1']);
  });

  it("gives a run's tasks with their edges, and the cursor its stream starts after", async () => {
    const snap = await json<RunSnapshot>(await ui.api('/api/runs/sums-1'));
    expect(snap.run.id).toBe('sums-1');
    expect(snap.tasks.map((t) => [t.name, t.state])).toEqual([
      ['square', 'succeeded'],
      ['square', 'succeeded'],
      ['square', 'succeeded'],
      ['sum', 'succeeded'],
    ]);
    expect(snap.tasks[3]!.deps).toEqual([0, 1, 2]);
    const last = ui.store.events('sums-1', { limit: 100_000 }).at(-1)!.seq;
    expect(snap.cursor).toBe(last);
    expect(snap.truncated).toBe(false);
  });

  it("gives a task's inputs, attempts, result and logs; a failed task's error", async () => {
    const s = await json<TaskDetail>(await ui.api('/api/runs/sums-1/tasks/3'));
    expect(s.inputs.map((i) => i.name)).toEqual(['square', 'square', 'square']);
    expect(s.result).toMatchObject({ kind: 'inline', preview: '14', downloadable: true });
    expect(s.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'succeeded' })]);
    const boom = await json<TaskDetail>(await ui.api('/api/runs/boom-1/tasks/0'));
    expect(boom.task.state).toBe('failed');
    expect(boom.task.error).toBe('the input file is corrupt');
    expect(boom.errorDetail?.message).toContain('second line of the message');
    expect(boom.attempts[0]).toMatchObject({ outcome: 'failed' });
    expect(boom.result).toBeNull();
  });

  it('summarises a result kept as an artifact and serves its bytes', async () => {
    const d = await json<TaskDetail>(await ui.api('/api/runs/shout-1/tasks/1'));
    expect(d.result).toMatchObject({ kind: 'artifact', downloadable: true });
    expect(d.result!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.result!.preview).toContain("'xxxxxxxx");
    const bytes = await ui.api('/api/runs/shout-1/tasks/1/result');
    expect(bytes.status).toBe(200);
    expect((await bytes.arrayBuffer()).byteLength).toBe(d.result!.size);
    const shouted = await json<TaskDetail>(await ui.api('/api/runs/shout-1/tasks/0'));
    expect(shouted.result!.preview).toBe("{ text: 'HI', at: 'fixture' }");
  });

  it('answers bad input with its status and a message that names it', async () => {
    const cases: [string, number, string][] = [
      ['/api/runs/nope', 404, `no run "nope" is recorded in ${ui.store.location}`],
      ['/api/runs/sums-1/tasks/99', 404, 'run sums-1 has no task #99'],
      ['/api/runs/sums-1/tasks/x1', 400, 'a task id is a whole number, not "x1"'],
      ['/api/runs?state=sleeping', 400, 'state must be one of running, interrupted'],
      ['/api/runs?limit=-3', 400, 'limit must be a whole number from 0 to 10000, not "-3"'],
      ['/api/runs/sums-1/stream?after=soon', 400, 'after must be a whole number'],
      ['/api/nothing', 404, 'no API route GET /api/nothing'],
    ];
    for (const [path, status, message] of cases) {
      const r = await ui.api(path);
      expect(r.status, path).toBe(status);
      expect((await json<{ error: { message: string } }>(r)).error.message).toContain(message);
    }
  });

  it('reads the store while a writer holds its write lock', async () => {
    const writer = new DatabaseSync(p.store);
    writer.exec('BEGIN EXCLUSIVE');
    writer.exec("UPDATE runs SET mode = 'locked' WHERE id = 'sums-1'");
    try {
      const r = await ui.api('/api/runs');
      expect(r.status).toBe(200);
      const runs = await json<RunRow[]>(r);
      // The writer's change is not committed: the reader sees the store as it was.
      expect(runs.find((x) => x.id === 'sums-1')!.mode).toBeNull();
      expect((await ui.api('/api/runs/sums-1')).status).toBe(200);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });
});

describe('the live stream of a run', () => {
  it('sends what another process records after the snapshot, within a poll', async () => {
    const child = weft(['run', 'live.ts', '--store', p.store], p.dir);
    let runId = '';
    await waitFor(() => {
      runId =
        ui.store.runs({ state: 'running' }).find((r) => r.workflow?.endsWith('live.ts'))?.id ?? '';
      return runId !== '' && ui.store.task(runId, 0)?.state === 'running';
    }, 'the live run to start its first task');
    const snap = await json<RunSnapshot>(await ui.api(`/api/runs/${runId}`));
    expect(snap.tasks.find((t) => t.label === 'first')?.state).toBe('running');
    const stream = await ui.api(`/api/runs/${runId}/stream?after=${snap.cursor}`);
    openGate(p.dir, 'first');
    const events = await readEvents(stream, (e) => {
      if (e.event !== 'tasks') return false;
      return (JSON.parse(e.data) as TaskUpdate[]).some(
        (u) => u.id === 0 && u.state === 'succeeded',
      );
    });
    const updates = events.filter((e) => e.event === 'tasks');
    expect(Number(updates.at(-1)!.id)).toBeGreaterThan(snap.cursor);
    openGate(p.dir, 'second');
    expect((await child.exited).code).toBe(0);
  });
});
