/**
 * The slurm executor in mode 'jobs', against a real Slurm cluster: each
 * task a batch job running `weft exec`, wide fan-outs as job arrays,
 * results, errors, logs and retries coming back through the run
 * directory, and cancellation reaching Slurm.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gather, type RunEvent, run, startRun, submit } from '@weft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { slurmSkip } from './cluster.ts';
import {
  big,
  boom,
  chatty,
  echo,
  flaky,
  gpu,
  noop,
  ranks2,
  sized,
  sleeper,
  square,
  sum,
} from './fixtures/tasks.ts';
import '@weft/slurm';

const executor = { kind: 'slurm', pollInterval: '100ms' } as const;

/** The job a task runs in, from its log ("runs in slurm job 42_3 on localhost"). */
function jobOf(e: RunEvent, jobs: Map<number, string>): string | undefined {
  if (e.type !== 'log' || e.taskId < 0 || typeof e.fields?.job !== 'string') return undefined;
  jobs.set(e.taskId, e.fields.job);
  return e.fields.job;
}
const tmp = mkdtempSync(join(tmpdir(), 'weft-slurm-jobs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(slurmSkip !== undefined)('slurm executor, mode jobs', () => {
  it('runs a graph: a fan-out as one job array, then its fan-in', async () => {
    const jobs = new Map<number, string>();
    const starts: { taskId: number; worker?: string | undefined }[] = [];
    const result = await run(
      () => {
        const squares = [1, 2, 3, 4, 5, 6].map((n) => submit(square, n));
        return submit(sum, ...squares);
      },
      {
        executor,
        record: false,
        onEvent: (e) => {
          jobOf(e, jobs);
          if (e.type === 'started') starts.push(e);
        },
      },
    );
    expect(result).toBe(91);
    // Each attempt starts when its job does, naming the job (what `weft show` prints).
    expect(starts).toHaveLength(7);
    for (const e of starts) {
      expect(e.worker).toMatch(new RegExp(`^slurm job ${jobs.get(e.taskId)} `));
    }
    const squares = [0, 1, 2, 3, 4, 5].map((id) => jobs.get(id));
    // One job array: elements <job>_0 .. <job>_5 of one job id.
    expect(squares.every((j) => /^\d+_\d$/.test(j ?? ''))).toBe(true);
    expect(new Set(squares.map((j) => j!.split('_')[0])).size).toBe(1);
    expect(jobs.get(6)).toMatch(/^\d+$/);
  });

  it("runs a command task's program in its job", async () => {
    const result = await run(() => submit(echo, 'from a job'), { executor, record: false });
    expect(result.stdout).toBe('from a job\n');
  });

  it("brings back a task's error as itself, and what it logged and printed", async () => {
    const logs: string[] = [];
    const error = await run(() => gather(submit(boom, 'on purpose'), submit(chatty, 'hello')), {
      executor,
      record: false,
      keepGoing: true,
      onEvent: (e) => {
        if (e.type === 'log' && e.taskId >= 0) logs.push(e.message);
      },
    }).catch((e: Error) => e);
    expect((error as Error).message).toContain('- slurm.boom#0: boom: on purpose');
    expect(logs).toEqual(expect.arrayContaining(['saying hello', 'printed hello']));
  });

  it("retries a failed attempt as a new job, following the task's policy", async () => {
    const attempts = await run(() => submit(flaky, join(tmp, 'flaky')), {
      executor,
      record: false,
    });
    expect(attempts).toBe(2);
  });

  it('cancels the jobs of a cancelled run in Slurm', async () => {
    const handle = startRun(() => submit(sleeper, 300), { executor, record: false });
    const jobs = new Map<number, string>();
    for await (const e of handle.events) {
      // Once its job runs, the run is cancelled.
      if (jobOf(e, jobs) !== undefined) handle.cancel('test: enough');
    }
    const job = jobs.get(0);
    await expect(handle.result()).rejects.toThrow(/cancelled/);
    expect(job).toBeDefined();
    // scancel was sent: the job passes through COMPLETING on its way out.
    let state = 'RUNNING';
    while (state === 'RUNNING' || state === 'COMPLETING') {
      state = execFileSync('squeue', ['-h', '-t', 'all', '-j', job!, '-o', '%T'], {
        encoding: 'utf8',
      }).trim();
    }
    expect(state).toBe('CANCELLED');
  });

  it('follows all the jobs of a run with one squeue per poll, never one per job', async () => {
    // squeue on PATH is a wrapper that notes each call, then runs Slurm's.
    const bin = join(tmp, 'bin');
    const calls = join(tmp, 'squeue-calls');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'squeue'),
      `#!/bin/sh\necho "$*" >> '${calls}'\nexec /usr/bin/squeue "$@"\n`,
    );
    chmodSync(join(bin, 'squeue'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    const n = 30;
    const pollMs = 300;
    const started = Date.now();
    try {
      // Separate jobs (no array), so that a call per job would show.
      const values = await run(() => gather(Array.from({ length: n }, () => submit(noop))), {
        executor: { ...executor, pollInterval: `${pollMs}ms`, arrayMin: 1000 },
        record: false,
      });
      expect(values).toEqual(new Array(n).fill(null));
    } finally {
      process.env.PATH = path;
    }
    const polls = (Date.now() - started) / pollMs + 1;
    const lines = readFileSync(calls, 'utf8').trim().split('\n');
    // A poll waits for the one before it: at most one call per interval, whatever the load.
    expect(lines.length).toBeLessThanOrEqual(polls);
    const widest = Math.max(...lines.map((l) => (/-j (\S+)/.exec(l)?.[1] ?? '').split(',').length));
    expect(widest).toBeGreaterThan(1);
  });

  it("maps a task's requirements and sbatch options to its job's options", async () => {
    const out = await run(() => submit(sized), {
      executor: { ...executor, tasks: { 'slurm.sized': { nice: 5 } } },
      record: false,
    });
    expect(out.cpus).toBe('2');
    const job = execFileSync('scontrol', ['-o', 'show', 'job', out.job!], { encoding: 'utf8' });
    expect(job).toContain(' NumCPUs=2 ');
    expect(job).toContain(' MinMemoryNode=200M ');
    // The task's 5 minutes, and one more: weft's own timer ends the attempt first.
    expect(job).toContain(' TimeLimit=00:06:00 ');
    expect(job).toContain(' Comment=from-withSbatch ');
    expect(job).toContain(' Nice=5 ');
  });

  it('runs an MPI command task as its ranks through srun in one job', async () => {
    const dir = join(tmp, 'ranks');
    mkdirSync(dir);
    const result = await run(() => submit(ranks2, dir), { executor, record: false });
    expect(result.exitCode).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['rank-0', 'rank-1']);
    const [zero, one] = ['rank-0', 'rank-1'].map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(one).toMatch(/^rank 1 of 2 in job \d+\n$/);
    // Both ranks ran in the same job.
    expect(zero!.replace('rank 0', 'rank 1')).toBe(one);
  });

  it('fails a task whose job Slurm killed at its time limit, saying so', async () => {
    const handle = startRun(() => submit(sleeper, 300), {
      executor: { ...executor, tasks: { 'slurm.sleeper': { time: 10 } } },
      record: false,
    });
    const jobs = new Map<number, string>();
    for await (const e of handle.events) {
      // Once it runs, its end time is moved to now: Slurm's time-limit check kills it.
      if (jobOf(e, jobs) !== undefined) {
        execFileSync('scontrol', ['update', `JobId=${jobs.get(0)}`, 'EndTime=now']);
      }
    }
    const error = await handle.result().catch((e: Error) => e);
    expect((error as Error).message).toContain(
      `slurm.sleeper#0: task slurm.sleeper#0: Slurm killed its job ${jobs.get(0)}: time limit (TIMEOUT); give the task a longer timeout, or sbatch option time`,
    );
  }, 90_000);
});

describe.skipIf(slurmSkip !== undefined)('slurm executor, bad input', () => {
  it('names the missing Slurm command and the script that starts a cluster', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(tmp, 'nothing-here');
    try {
      const error = await run(() => submit(noop), { executor, record: false }).catch(
        (e: Error) => e,
      );
      expect((error as Error).message).toContain(
        `Slurm's sinfo command was not found on PATH (${join(tmp, 'nothing-here')})`,
      );
      expect((error as Error).message).toContain("weft's scripts/slurm.sh start <dir>");
    } finally {
      process.env.PATH = path;
    }
  });

  it('refuses at submit a task larger than any node', async () => {
    const error = await run(() => gather(submit(big), submit(gpu)), {
      executor,
      record: false,
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /slurm\.big requires cpus=64 but executor "slurm \(the largest node\)" offers at most cpus=\d+/,
    );
  });

  it("shows sbatch's own message when it rejects an option", async () => {
    const error = await run(() => submit(noop), {
      executor: { ...executor, tasks: { 'slurm.noop': { partition: 'nosuch' } } },
      record: false,
    }).catch((e: Error) => e);
    expect((error as Error).message).toContain(
      'sbatch refused the job of slurm.noop#0: sbatch: error: invalid partition specified: nosuch',
    );
  });

  it('refuses a partition with no nodes before any job, naming the partitions there are', async () => {
    const error = await run(() => submit(noop), {
      executor: { ...executor, sbatch: { partition: 'nosuch' } },
      record: false,
    }).catch((e: Error) => e);
    expect((error as Error).message).toContain(
      'slurm executor: sbatch.partition "nosuch": Slurm lists no nodes in it (its partitions: debug)',
    );
  });
});
