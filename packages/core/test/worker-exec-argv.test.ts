/**
 * weft's worker threads start however the process was started: a V8 flag a
 * worker refuses (`--expose-gc`, `--max-old-space-size`) is left out of the
 * thread's options instead of failing the run (the SQLite store's writer is
 * a thread).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('a process started with per-process V8 flags', () => {
  it('records a run in SQLite (a writer thread) and runs tasks in threads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-argv-'));
    const script = `
      import { run, submit, threadsExecutor } from '@weft/core';
      import { where as t } from ${JSON.stringify(new URL('./fixtures/parallel-tasks.ts', import.meta.url).href)};
      await using executor = threadsExecutor({ max: 1 });
      const v = await run(async () => submit(t), { executor, store: ${JSON.stringify(join(dir, 'weft.db'))} });
      process.stdout.write(String(typeof v.threadId));
    `;
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=300', '--input-type=module', '-e', script],
      { encoding: 'utf8', cwd: process.cwd() },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('number');
    expect(r.status).toBe(0);
  });
});
