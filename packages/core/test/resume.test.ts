import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireSqliteStore, defaultStorePath, rerun, resume, run, submit, task } from '@weft/core';
import { afterEach, describe, expect, it } from 'vitest';
import main from './fixtures/resume-workflow.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'weft-resume-'));
  dirs.push(d);
  return d;
}
function effects(dir: string): string[] {
  const f = join(dir, 'effects.txt');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : [];
}
function count(lines: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}
const FIXTURE = new URL('./fixtures/resume-workflow.ts', import.meta.url).pathname;

describe('resume', () => {
  it('a run killed with SIGKILL midway resumes without redoing what succeeded', async () => {
    const dir = tempDir();
    const runId = `kill-${Date.now().toString(36)}`;
    const child = spawn(process.execPath, [FIXTURE, dir, runId], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RESUME_DIR: dir },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // Kill it once the store says some tasks succeeded (not once side effects
    // say so: a success is written in a batch a moment after it happened).
    const path = defaultStorePath(dir);
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (!existsSync(path)) return;
        const { store, release } = acquireSqliteStore(path);
        try {
          const done = store.tasks(runId, { states: ['succeeded'], limit: 1000 }).length;
          if (done >= 4) {
            clearInterval(poll);
            child.kill('SIGKILL');
            resolve();
          }
        } finally {
          release();
        }
      }, 10);
      child.on('exit', (code) => {
        clearInterval(poll);
        if (code !== null)
          reject(new Error(`the workflow ended before it was killed: ${code} ${stderr}`));
      });
    });
    await new Promise((r) => child.once('close', r));
    const before = effects(dir);
    expect(before.length).toBeLessThan(21);

    // What the store says succeeded before the kill must not run again.
    const { store, release } = acquireSqliteStore(defaultStorePath(dir));
    const recorded = store.tasks(runId, { limit: 1000 });
    // Recorded as running; its process (killed, on this host) is gone: it reads as interrupted.
    expect(store.run(runId)?.state).toBe('interrupted');
    release();
    const succeeded = recorded.filter((t) => t.state === 'succeeded');
    expect(succeeded.length).toBeGreaterThan(0);

    process.env.RESUME_DIR = dir;
    const total = await resume(runId, main, {
      cwd: dir,
      executor: { kind: 'inline', concurrency: 2 },
    });
    const all = count(effects(dir));
    // Every task ran: 12 leaves, 4 branches with 2 children, the sum.
    expect(all.size).toBe(12 + 4 + 8 + 1);
    const leaves = Array.from({ length: 12 }, (_, i) => `l${i}`.length);
    expect(total).toBe(leaves.reduce((a, b) => a + b, 0) + 8 * 'b0.k0'.length);
    const again = acquireSqliteStore(defaultStorePath(dir));
    const after = again.store.tasks(runId, { limit: 1000 });
    const rec = again.store.run(runId)!;
    again.release();
    expect(rec.state).toBe('succeeded');
    expect(rec.sessions).toBe(2);
    // What was recorded as succeeded before the kill ran exactly once...
    for (const t of succeeded) expect([t.label, all.get(t.label!)]).toEqual([t.label, 1]);
    // ...and took its recorded result in the second session.
    const lastBefore = Math.max(...recorded.map((r) => r.id));
    const cached = after.filter((t) => t.id > lastBefore && t.state === 'cached');
    expect(cached.map((t) => t.label).sort()).toEqual(succeeded.map((t) => t.label).sort());
    for (const t of cached) expect(t.cachedFrom?.runId).toBe(runId);
    // The earlier session's unfinished tasks are now cancelled (interrupted).
    const firstSession = after.filter((t) => t.id <= lastBefore);
    expect(firstSession.some((t) => t.state === 'running' || t.state === 'pending')).toBe(false);
  });

  it('refuses an unknown run id, naming it', async () => {
    const dir = tempDir();
    await expect(async () => resume('nope-123', async () => 1, { cwd: dir })).rejects.toThrow(
      /no run "nope-123" is recorded in .*weft\.db/,
    );
  });
});

describe('runs not recorded', () => {
  it('leave nothing on disk, and cannot be resumed', async () => {
    const dir = tempDir();
    const one = task('nr.one', async () => 1);
    expect(await run(async () => submit(one), { cwd: dir, record: false })).toBe(1);
    expect(existsSync(join(dir, '.weft'))).toBe(false);
    await expect(async () =>
      run(async () => 1, { cwd: dir, record: false, reuseFrom: 'x' }),
    ).rejects.toThrow('run: a run that is not recorded cannot resume or reuse one');
  });
});

describe('rerun from a failure', () => {
  let flaky = true;
  const seen: string[] = [];
  const child = task('rr.child', async (_ctx, k: number) => {
    seen.push(`child${k}`);
    if (k === 1 && flaky) throw new Error('child 1 fails the first time');
    return k * 10;
  });
  const parent = task('rr.parent', async (_ctx) => {
    seen.push('parent');
    const kids = [0, 1, 2].map((k) => submit(child, k));
    let t = 0;
    for (const k of kids) t += await k;
    return t;
  });
  const other = task('rr.other', async (_ctx, x: number) => {
    seen.push(`other${x}`);
    return x;
  });
  const after = task('rr.after', async (_ctx, a: number, b: number) => {
    seen.push('after');
    return a + b;
  });
  const wf = async () => submit(after, submit(parent), submit(other, 7));

  it('reruns only the failed tasks and what depends on them, dynamic children included', async () => {
    const dir = tempDir();
    const first = `rr-${Date.now().toString(36)}`;
    await expect(run(wf, { cwd: dir, runId: first, keepGoing: true })).rejects.toThrow(
      /child 1 fails/,
    );
    expect(seen.sort()).toEqual(['child0', 'child1', 'child2', 'other7', 'parent']);
    seen.length = 0;
    flaky = false;
    const total = await rerun(first, wf, { cwd: dir });
    expect(total).toBe(37);
    // The parent failed, so it runs again; of its children only the failed one does.
    expect(seen.sort()).toEqual(['after', 'child1', 'parent']);
  });
});
