/**
 * `weft ui` as a user runs it (the built `bin/weft.js`, which loads the
 * plugin because the project declares `@weft/ui`): the URL it prints with
 * its token, the warning off loopback, Ctrl-C, and the stores and options
 * it refuses, with what it says.
 */
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { run, submit } from '@weft/core';
import { afterEach, describe, expect, it } from 'vitest';
import { square } from './fixtures/tasks.ts';
import { cleanup, project, stopAll, waitFor, weft } from './harness/project.ts';

afterEach(async () => {
  await stopAll();
  cleanup();
});

const URL_LINE = /(http:\/\/\S+)\/\?token=([0-9a-f]{48})/;

async function started(out: { stdout: string }): Promise<{ origin: string; token: string }> {
  await waitFor(() => URL_LINE.test(out.stdout), 'weft ui to print its URL');
  const [, origin, token] = URL_LINE.exec(out.stdout)!;
  return { origin: origin!, token: token! };
}

describe('weft ui', () => {
  it('serves the store on loopback, prints the URL with its token, and stops on Ctrl-C, streams open', async () => {
    const p = project();
    await run(async () => submit(square, 3), { store: p.store, cwd: p.dir, runId: 'cli-1' });
    const ui = weft(['ui', '--store', p.store, '--port', '0'], p.dir);
    const { origin, token } = await started(ui.out);
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ui.out.stdout).toContain(`serving the runs of ${p.store}`);
    expect(ui.out.stderr).not.toContain('warning');
    expect((await fetch(`${origin}/api/runs`)).status).toBe(401);
    const runs = (await (
      await fetch(`${origin}/api/runs`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { id: string }[];
    expect(runs.map((r) => r.id)).toEqual(['cli-1']);
    // A page left open (its event stream) does not keep the server from stopping.
    const stream = await fetch(`${origin}/api/stream/runs?token=${token}`);
    expect(stream.status).toBe(200);
    ui.child.kill('SIGINT');
    expect((await ui.exited).code).toBe(0);
  });

  it('warns when it listens on an interface other machines can reach', async () => {
    const p = project();
    await run(async () => submit(square, 3), { store: p.store, cwd: p.dir });
    const ui = weft(['ui', '--store', p.store, '--port', '0', '--host', '0.0.0.0'], p.dir);
    await started(ui.out);
    expect(ui.out.stderr).toContain(
      'warning: weft ui listens on 0.0.0.0, which other machines can reach',
    );
  });

  it('says there is no store, naming the file, and exits 2', async () => {
    const p = project();
    const missing = await weft(['ui', '--store', 'nowhere.db'], p.dir).exited;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `error: there is no run store at ${join(p.dir, 'nowhere.db')} (run a workflow first, or pass --store <path>)\n`,
    );
    const byDefault = await weft(['ui'], p.dir).exited;
    expect(byDefault.code).toBe(2);
    expect(byDefault.stderr).toContain(`there is no run store at ${p.store}`);
  });

  it('refuses a store written by a newer weft, saying so', async () => {
    const p = project();
    const file = join(p.dir, 'future.db');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA user_version = 99');
    db.close();
    const r = await weft(['ui', '--store', file], p.dir).exited;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `the run store ${file} has schema version 99, newer than this weft supports`,
    );
  });

  it('refuses a bad port, and a port it cannot have, naming it', async () => {
    const p = project();
    await run(async () => submit(square, 3), { store: p.store, cwd: p.dir });
    const bad = await weft(['ui', '--store', p.store, '--port', 'http'], p.dir).exited;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --port must be a port number from 0 to 65535, not "http"\n');
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = await weft(['ui', '--store', p.store, '--port', String(port)], p.dir).exited;
      expect(busy.code).toBe(2);
      expect(busy.stderr).toBe(
        `error: cannot serve on 127.0.0.1:${port}: the port is taken (choose another with --port)\n`,
      );
    } finally {
      taken.close();
    }
  });
});
