/**
 * The slurm executor in mode 'pilot', against a real Slurm cluster and a
 * private Redis (scripts/redis.sh): pilot jobs hold their allocation and
 * run tasks as they come; a pilot that ends (here: scancel) loses only the
 * tasks it held, which run again on the others, and a replacement is
 * submitted while work remains, up to pilots.max; none is left when the
 * run ends.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gather, run, startRun, submit } from '@weft/core';
import { createSlurmExecutor } from '@weft/slurm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { repoRoot, slurmSkip } from './cluster.ts';
import { nap, square } from './fixtures/tasks.ts';

const tmp = mkdtempSync(join(tmpdir(), 'weft-slurm-pilot-'));
const redisDir = join(tmp, 'redis');

function startRedis(): string | undefined {
  try {
    const port = execFileSync('bash', [join(repoRoot, 'scripts/redis.sh'), 'start', redisDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    return `redis://127.0.0.1:${port}`;
  } catch (error) {
    console.warn(
      `SKIPPED pilot tests: scripts/redis.sh could not start Redis: ${(error as Error).message}`,
    );
    return undefined;
  }
}

const redis = slurmSkip === undefined ? startRedis() : undefined;
afterAll(() => {
  if (redis !== undefined)
    execFileSync('bash', [join(repoRoot, 'scripts/redis.sh'), 'stop', redisDir]);
  rmSync(tmp, { recursive: true, force: true });
});

function states(jobs: readonly string[]): string[] {
  return jobs.map((j) =>
    execFileSync('squeue', ['-h', '-t', 'all', '-j', j, '-o', '%T'], { encoding: 'utf8' }).trim(),
  );
}

/** Waits until none of `jobs` is pending, running or on its way out; their final states. */
async function gone(jobs: readonly string[]): Promise<string[]> {
  for (;;) {
    const s = states(jobs);
    if (s.every((x) => !['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING'].includes(x))) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every executor made, disposed (its pilots cancelled) even when a test fails. */
const made: AsyncDisposable[] = [];
afterEach(async () => {
  for (const e of made.splice(0)) await e[Symbol.asyncDispose]();
});

let queues = 0;
async function pilotExecutor(pilots: Record<string, unknown>) {
  const executor = (await createSlurmExecutor({
    mode: 'pilot',
    dir: join(tmp, 'runs'),
    pollInterval: '100ms',
    pilots: { redis: redis!, queue: `weft-pilot-test-${process.pid}-${++queues}`, ...pilots },
  })) as Awaited<ReturnType<typeof createSlurmExecutor>> & { readonly pilots: readonly string[] };
  made.push(executor);
  return executor;
}

describe.skipIf(slurmSkip !== undefined || redis === undefined)(
  'slurm executor, mode pilot',
  () => {
    it('runs many tasks through 2 pilot jobs, and cancels them when the run ends', async () => {
      const executor = await pilotExecutor({ count: 2 });
      const values = await run(
        () => gather(Array.from({ length: 40 }, (_, i) => submit(square, i))),
        {
          executor,
          record: false,
        },
      );
      expect(values).toEqual(Array.from({ length: 40 }, (_, i) => i * i));
      await executor[Symbol.asyncDispose]();
      expect(executor.pilots).toHaveLength(2);
      expect(await gone(executor.pilots)).toEqual(['CANCELLED', 'CANCELLED']);
    });

    it("runs a lost pilot's tasks again on the other, submits a replacement up to max, and leaves none behind", async () => {
      const executor = await pilotExecutor({ count: 2, max: 3 });
      const handle = startRun(
        () => gather(Array.from({ length: 8 }, (_, i) => submit(nap, i, 700))),
        {
          executor,
          record: false,
        },
      );
      // Once both pilots are submitted and the first runs, it is cancelled under its tasks.
      let killed = false;
      while (!killed) {
        const first = executor.pilots[0];
        if (executor.pilots.length === 2 && states([first!])[0] === 'RUNNING') {
          execFileSync('scancel', [first!]);
          killed = true;
        } else await new Promise((r) => setTimeout(r, 50));
      }
      const values = (await handle.result()) as { n: number; job: string }[];
      expect(values.map((v) => v.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(killed).toBe(true);
      await executor[Symbol.asyncDispose]();
      // The replacement of the lost pilot, and no more: max is 3.
      expect(executor.pilots).toHaveLength(3);
      const ended = await gone(executor.pilots);
      expect(ended[0]).toBe('CANCELLED');
      expect(ended.every((s) => s === 'CANCELLED' || s === 'COMPLETED' || s === 'FAILED')).toBe(
        true,
      );
    }, 60_000);
  },
);
