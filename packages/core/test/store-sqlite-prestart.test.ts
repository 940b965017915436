/**
 * A write worker started ahead of its store (`prestartWriteWorker`, as
 * `weft run` does while it imports the workflow): the next store takes it
 * and writes through it, and a process that never uses it still exits.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resourceSet, run, sqliteRunStore, submit, task } from '../src/index.js';
import { hasSpareWriteWorker, prestartWriteWorker } from '../src/store/sqlite/channel.js';
import { openSqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const double = task('prestart.double', async (_ctx, n: number) => n * 2);

describe('a write worker started ahead', () => {
  it('is taken by the next store, which records runs through it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-prestart-'));
    dirs.push(dir);
    prestartWriteWorker();
    expect(hasSpareWriteWorker()).toBe(true);
    const runStore = sqliteRunStore({ path: join(dir, 'weft.db') });
    const out = await run(
      async () => {
        const a = submit(double, 2);
        return submit(double, a);
      },
      { resources: resourceSet({ runStore }), runId: 'ahead' },
    );
    expect(out).toBe(8);
    expect(hasSpareWriteWorker()).toBe(false);
    const reader = openSqliteRunStore(join(dir, 'weft.db'));
    try {
      expect(reader.run('ahead')?.state).toBe('succeeded');
      const tasks = reader.tasks('ahead');
      expect(tasks.map((t) => [t.name, t.state])).toEqual([
        ['prestart.double', 'succeeded'],
        ['prestart.double', 'succeeded'],
      ]);
    } finally {
      await reader[Symbol.asyncDispose]();
    }
  });

  it('is started once however often it is asked for', () => {
    prestartWriteWorker();
    prestartWriteWorker();
    expect(hasSpareWriteWorker()).toBe(true);
  });

  it('does not keep a process that never uses it alive', () => {
    const channel = new URL('../src/store/sqlite/channel.ts', import.meta.url).href;
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(channel)}); m.prestartWriteWorker(); console.log(m.hasSpareWriteWorker());`,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('true');
  });
});
