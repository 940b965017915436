/**
 * The slurm executor through the `weft` command, against a real Slurm
 * cluster: `weft submit` hands a whole graph to Slurm with afterok
 * dependencies and exits, `weft runs` / `show` later read how it went,
 * `weft resume` submits again what failed, `weft cancel` scancels a
 * delayed run's jobs and a running jobs-mode run's; a dynamic workflow is
 * refused naming the task that makes it so.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, slurmSkip } from './cluster.ts';

const project = fileURLToPath(new URL('./fixtures/project/', import.meta.url));
const bin = join(repoRoot, 'packages/core/bin/weft.js');
const tmp = mkdtempSync(join(tmpdir(), 'weft-slurm-cli-'));
const store = join(tmp, 'weft.db');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `weft <args>` in the fixture project, with this test's store and run directories. */
function weft(...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args, '--store', store],
      { cwd: project, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const dirSet = ['--set', `executor.dir=${join(tmp, 'runs')}`];

interface Submitted {
  readonly runId: string;
  readonly batch: { readonly dir: string; readonly jobs: Record<string, string> };
}

async function submitted(...args: string[]): Promise<Submitted> {
  const r = await weft('submit', ...args, ...dirSet, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Submitted;
}

interface Shown {
  readonly run: { readonly state: string; readonly counts: Record<string, number> };
  readonly tasks: readonly {
    readonly id: number;
    readonly name: string;
    readonly state: string;
    readonly worker?: string;
  }[];
}

async function show(runId: string): Promise<Shown> {
  const r = await weft('show', runId, '--json');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Shown;
}

/** Reads the run (which brings it up to date from Slurm) until it has ended. */
async function ended(runId: string): Promise<Shown> {
  for (;;) {
    const shown = await show(runId);
    if (shown.run.state !== 'running') return shown;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function jobState(job: string): string {
  return execFileSync('squeue', ['-h', '-t', 'all', '-j', job, '-o', '%T'], {
    encoding: 'utf8',
  }).trim();
}

describe.skipIf(slurmSkip !== undefined)('weft submit, runs, show, resume, cancel on Slurm', () => {
  it('hands the whole graph to Slurm with afterok dependencies and exits; weft runs shows it finished', async () => {
    const plain = await weft('submit', 'chain.ts', ...dirSet);
    expect(plain.code).toBe(0);
    // The chain inc -> inc is one job, the fan-out an array, the fan-in a job.
    expect(plain.stdout).toMatch(
      /^8 tasks submitted to Slurm as 3 jobs \(1 job array\)\nfollow it with: weft show \S+\n$/,
    );
    const unfused = await weft(
      'submit',
      'chain.ts',
      ...dirSet,
      '--set',
      'executor.fuseChains=false',
    );
    expect(unfused.stdout).toMatch(/^8 tasks submitted to Slurm as 4 jobs \(1 job array\)\n/);
    const { runId, batch } = await submitted('chain.ts', '--param', 'n=10');
    expect(Object.keys(batch.jobs).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(batch.jobs['0']).toBe(batch.jobs['1']);
    expect(batch.jobs['1']).not.toContain('_');
    // The fan-in waits in Slurm on its prerequisites' jobs, the fan-out being one array.
    const total = execFileSync('scontrol', ['-o', 'show', 'job', batch.jobs['7']!], {
      encoding: 'utf8',
    });
    const array = batch.jobs['2']!.split('_')[0];
    // Slurm lists them in its own order (afterok:9:10_* or afterok:10_*(...),afterok:9(...)).
    const deps = (/Dependency=(\S+)/.exec(total)?.[1] ?? '')
      .split(/[:,]/)
      .map((d) => d.replace(/\(.*\)$/, ''));
    expect(deps).toContain(batch.jobs['1']);
    expect(deps.some((d) => d === array || d.startsWith(`${array}_`))).toBe(true);
    // weft has exited; Slurm runs the graph, and the reading commands bring the run up to date.
    let runs = '';
    for (;;) {
      const listed = await weft('runs');
      runs = listed.stdout.split('\n').find((l) => l.startsWith(runId)) ?? '';
      if (!/\brunning\b/.test(runs)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(runs).toMatch(/succeeded\s+8 ok/);
    const result = await weft('show', runId, '--result');
    // inc(inc(10)) + 1 + 4 + 9 + 16 + 25
    expect(result.stdout.trim()).toBe('67');
    const shown = await show(runId);
    expect(shown.tasks.find((t) => t.id === 2)?.worker).toMatch(
      new RegExp(`^slurm job ${array}_0 `),
    );
  });

  it('refuses a workflow whose graph is not known ahead of time, naming the first task that makes it so', async () => {
    const awaits = await weft('submit', 'awaits.ts', ...dirSet);
    expect(awaits.code).toBe(2);
    expect(awaits.stderr).toContain(
      'error: the graph is not known before the workflow runs: main awaits the result of task fx.inc#1 "first" before it has submitted everything',
    );
    const spawns = await weft('submit', 'spawns.ts', ...dirSet);
    expect(spawns.code).toBe(2);
    expect(spawns.stderr).toContain(
      "task fx.spawner#1 calls submit() (weft's submit): it submits tasks as it runs",
    );
  });

  it('shows a failed task and its dependents, and weft resume runs again only what did not succeed', async () => {
    const marker = join(tmp, 'gate-marker');
    const { runId, batch } = await submitted('gated.ts', '--param', `marker=${marker}`);
    // inc -> gate -> inc run in a row in one job: the gate's failure ends the job.
    expect(new Set([batch.jobs['0'], batch.jobs['1'], batch.jobs['2']]).size).toBe(1);
    const first = await ended(runId);
    expect(first.run.state).toBe('failed');
    const states = Object.fromEntries(first.tasks.map((t) => [t.id, t.state]));
    expect(states).toEqual({ 0: 'succeeded', 1: 'failed', 2: 'upstream_failed', 3: 'succeeded' });
    const failed = await weft('show', runId, '--state', 'failed');
    expect(failed.stdout).toContain(`marker ${marker} is missing`);
    writeFileSync(marker, '');
    const resumed = await weft('resume', runId);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(
      '2 tasks submitted to Slurm as 1 job (2 tasks kept from the earlier session)',
    );
    const second = await ended(runId);
    expect(second.run.state).toBe('succeeded');
    expect(second.run.counts).toMatchObject({ succeeded: 2, cached: 2 });
  });

  it('weft cancel of a delayed run scancels its jobs, and its waiting tasks never run', async () => {
    const { runId, batch } = await submitted('long.ts');
    const sleeper = batch.jobs['0']!;
    while (jobState(sleeper) !== 'RUNNING') await new Promise((r) => setTimeout(r, 100));
    const cancelled = await weft('cancel', runId);
    expect(cancelled.code).toBe(0);
    const shown = await show(runId);
    expect(shown.run.state).toBe('cancelled');
    expect(shown.tasks.map((t) => t.state)).toEqual([
      'cancelled',
      'upstream_failed',
      'upstream_failed',
    ]);
    let state = jobState(sleeper);
    while (state === 'RUNNING' || state === 'COMPLETING') state = jobState(sleeper);
    expect(state).toBe('CANCELLED');
    expect(jobState(batch.jobs['2']!)).toBe('CANCELLED');
  });

  /** `weft run long.ts` in jobs mode, once its sleeper's job runs in Slurm. */
  async function runningJobsRun() {
    const child = spawn(
      process.execPath,
      [bin, 'run', 'long.ts', '--mode', 'jobs', '--store', store, ...dirSet],
      { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // The run's id from its header line.
    let runId: string | undefined;
    while (runId === undefined) {
      runId = /· run (\S+)/.exec(stderr)?.[1];
      await new Promise((r) => setTimeout(r, 50));
    }
    // Its sleeper's job (whose batch script is in the run's directory), once Slurm runs it.
    let job: string | undefined;
    while (job === undefined) {
      const listed = execFileSync('squeue', ['-h', '-t', 'R', '-o', '%i|%o'], { encoding: 'utf8' });
      job = listed
        .split('\n')
        .find((l) => l.includes(`/${runId}/jobs/`))
        ?.split('|')[0];
      if (job === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    return { child, exited, runId, job };
  }

  async function cancelledInSlurm(job: string): Promise<string> {
    let state = jobState(job);
    while (state === 'RUNNING' || state === 'COMPLETING') state = jobState(job);
    return state;
  }

  it('weft cancel of a running jobs-mode run scancels its jobs', async () => {
    const { exited, runId, job } = await runningJobsRun();
    const cancelled = await weft('cancel', runId);
    expect(cancelled.code).toBe(0);
    expect(await exited).not.toBe(0);
    expect(await cancelledInSlurm(job)).toBe('CANCELLED');
    expect((await show(runId)).run.state).toBe('cancelled');
  });

  it('Ctrl-C of a jobs-mode weft run scancels its jobs', async () => {
    const { child, exited, runId, job } = await runningJobsRun();
    child.kill('SIGINT');
    expect(await exited).not.toBe(0);
    expect(await cancelledInSlurm(job)).toBe('CANCELLED');
    expect((await show(runId)).run.state).toBe('cancelled');
  });
});
