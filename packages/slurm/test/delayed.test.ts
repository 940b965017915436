/**
 * Delayed execution on a real Slurm cluster, as a user runs it: `weft
 * submit` hands the whole graph to Slurm (dependencies as
 * `--dependency=afterok`, a fan-out as one job array) and exits at once;
 * the reading commands then follow the run from Slurm's account and the
 * run directory until it ends. A workflow whose graph is only known as it
 * runs is refused before anything is submitted, and `weft cancel` reaches
 * the jobs in Slurm.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, slurmSkip } from './cluster.ts';

const bin = join(repoRoot, 'packages/core/bin/weft.js');
const project = join(repoRoot, 'packages/slurm/test/fixtures/project');
const tmp = mkdtempSync(join(tmpdir(), 'weft-slurm-delayed-'));
const store = join(tmp, 'weft.db');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function weft(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args, '--store', store], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface RunRow {
  readonly id: string;
  readonly state: string;
  readonly counts: Record<string, number>;
}

/** Reads the run through `weft runs` (which follows it in Slurm) until it has ended. */
async function ended(runId: string): Promise<RunRow> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const out = weft('runs', '--json');
    expect(out.code).toBe(0);
    const row = (JSON.parse(out.stdout) as RunRow[]).find((r) => r.id === runId);
    expect(row).toBeDefined();
    if (row!.state !== 'running') return row!;
    if (Date.now() > deadline) throw new Error(`run ${runId} still running after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The run's jobs Slurm still holds (queued or running). */
function queued(jobs: readonly string[]): string[] {
  const ids = new Set(jobs.map((j) => j.split('_')[0]));
  const out = execFileSync('squeue', ['-h', '-o', '%F'], { encoding: 'utf8' });
  return out.split('\n').filter((id) => ids.has(id.trim()));
}

describe.skipIf(slurmSkip !== undefined)('weft submit on Slurm (mode delayed)', () => {
  it('hands the whole graph to Slurm and exits; weft runs then follows it to its end', async () => {
    const submitted = weft('submit', 'chain.ts', '--json');
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    const receipt = JSON.parse(submitted.stdout) as {
      runId: string;
      submitted: number;
      batch: { kind: string; jobs: Record<string, string> };
    };
    expect(receipt.submitted).toBe(8);
    expect(receipt.batch.kind).toBe('slurm');
    const jobs = Object.values(receipt.batch.jobs);
    expect(jobs).toHaveLength(8);
    // The fan-out of five squares is one array job.
    const arrays = jobs.filter((j) => j.includes('_'));
    expect(arrays).toHaveLength(5);
    expect(new Set(arrays.map((j) => j.split('_')[0])).size).toBe(1);

    const row = await ended(receipt.runId);
    expect(row.state).toBe('succeeded');
    expect(row.counts.succeeded).toBe(8);
    const result = weft('show', receipt.runId, '--result');
    expect(result.code).toBe(0);
    // inc(inc(1)) = 3, plus 1 + 4 + 9 + 16 + 25.
    expect(result.stdout.trim()).toBe('58');
  });

  it('refuses a workflow that awaits a result, before submitting anything', () => {
    const out = weft('submit', 'awaits.ts');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/the graph is not known before the workflow runs/);
    expect(out.stderr).toMatch(/fx\.inc#1 "first"/);
    expect(out.stderr).toMatch(/or run it with weft run/);
  });

  it('stops what depends on a failed task, and says why the task failed', async () => {
    const marker = join(tmp, 'never-created');
    const submitted = weft('submit', 'gated.ts', '--param', `marker=${marker}`, '--json');
    expect(submitted.code).toBe(0);
    const { runId } = JSON.parse(submitted.stdout) as { runId: string };
    const row = await ended(runId);
    expect(row.state).toBe('failed');
    expect(row.counts.failed).toBe(1);
    expect(row.counts.upstream_failed).toBe(1);
    expect(row.counts.succeeded).toBe(2);
    const show = weft('show', runId);
    expect(show.stdout).toMatch(/marker .*never-created is missing/);
  });

  it('weft cancel withdraws the run from Slurm', async () => {
    const submitted = weft('submit', 'long.ts', '--json');
    expect(submitted.code).toBe(0);
    const receipt = JSON.parse(submitted.stdout) as {
      runId: string;
      batch: { jobs: Record<string, string> };
    };
    const jobs = Object.values(receipt.batch.jobs);
    expect(queued(jobs).length).toBeGreaterThan(0);
    const cancel = weft('cancel', receipt.runId);
    expect(cancel.code).toBe(0);
    const deadline = Date.now() + 30_000;
    while (queued(jobs).length > 0) {
      if (Date.now() > deadline) throw new Error(`jobs ${jobs.join(', ')} still in Slurm`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const row = await ended(receipt.runId);
    expect(row.state).toBe('cancelled');
  });
});
