import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { run, startRun } from '@weft/core';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './workflow.ts';

const cwd = fileURLToPath(new URL('.', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the modes example', () => {
  it('runs the same workflow under the in-memory dev mode', async () => {
    const stations = await run(() => main(['a', 'bb']), { mode: 'dev', cwd });
    expect(stations.map((s) => [s.station, s.count])).toEqual([
      ['a', 24],
      ['bb', 24],
    ]);
  });

  it('runs it under the SQLite prod mode, which persists to the configured file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-modes-'));
    dirs.push(dir);
    const path = join(dir, 'readings.db');
    const first = await run(() => main(['a', 'bb']), {
      mode: 'prod',
      cwd,
      set: { 'store.path': path },
    });
    const again = await run(() => main(['a']), { mode: 'prod', cwd, set: { 'store.path': path } });
    expect(first.map((s) => s.count)).toEqual([24, 24]);
    expect(again.find((s) => s.station === 'a')?.count).toBe(48);
    const db = new DatabaseSync(path);
    const rows = db.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number };
    db.close();
    expect(rows.n).toBe(72);
  });

  it('opens the store once per run and closes it when the run ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-modes-'));
    dirs.push(dir);
    const handle = startRun(() => main(['a', 'bb', 'ccc']), {
      mode: 'prod',
      cwd,
      set: { 'store.path': join(dir, 'r.db') },
    });
    const opened: string[] = [];
    for await (const e of handle.events)
      if (e.type === 'log' && e.message === 'opened reading store') opened.push(e.message);
    await handle.result();
    expect(opened).toHaveLength(1);
  });

  it('runs it in worker threads, each worker opening the store from the mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-modes-'));
    dirs.push(dir);
    const path = join(dir, 'r.db');
    const stations = await run(() => main(['a', 'bb', 'ccc', 'dddd']), {
      mode: 'parallel',
      cwd,
      set: { 'store.path': path },
    });
    expect(stations.map((s) => [s.station, s.count])).toEqual([
      ['a', 24],
      ['bb', 24],
      ['ccc', 24],
      ['dddd', 24],
    ]);
  });

  it('refuses at submit a store that cannot follow tasks into workers', async () => {
    await expect(run(() => main(['a']), { mode: 'devThreads', cwd })).rejects.toThrow(
      /resource "store", which cannot be rebuilt in another process.*executor "threads"/s,
    );
  });
});
