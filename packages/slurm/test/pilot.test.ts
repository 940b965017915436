/**
 * The slurm executor in mode 'pilot', against a real Slurm cluster and a
 * private Redis: pilot jobs hold the node and run the run's tasks as
 * @weft/queue workers, and are cancelled when the run ends.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gather, type RunEvent, run, submit } from '@weft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, slurmSkip } from './cluster.ts';
import { square } from './fixtures/tasks.ts';
import '@weft/slurm';

const redisDir = mkdtempSync(join(tmpdir(), 'weft-slurm-pilot-'));
const redisSh = join(repoRoot, 'scripts/redis.sh');
let port = '';
beforeAll(() => {
  port = execFileSync(redisSh, ['start', redisDir], { encoding: 'utf8' }).trim();
  process.env.WEFT_QUEUE_SECRET = 'pilot-test-secret-0123456789abcdef';
});
afterAll(() => {
  execFileSync(redisSh, ['stop', redisDir]);
  rmSync(redisDir, { recursive: true, force: true });
});

describe.skipIf(slurmSkip !== undefined)('slurm executor, mode pilot', () => {
  it('runs tasks on pilot jobs, then cancels the pilots', async () => {
    const started: RunEvent[] = [];
    const queue = `weft-pilot-test-${process.pid}`;
    const values = await run(() => gather([1, 2, 3, 4, 5].map((n) => submit(square, n))), {
      executor: {
        kind: 'slurm',
        mode: 'pilot',
        pollInterval: '100ms',
        pilots: { count: 1, redis: `redis://127.0.0.1:${port}`, queue },
      } as never,
      record: false,
      onEvent: (e) => {
        if (e.type === 'started') started.push(e);
      },
    });
    expect(values).toEqual([1, 4, 9, 16, 25]);
    expect(started).toHaveLength(5);
    // Each attempt ran on a queue worker, which a pilot job is.
    // The run's pilots are gone from Slurm once it has ended.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const names = execFileSync('squeue', ['-h', '-o', '%j'], { encoding: 'utf8' });
      if (!names.includes('pilot')) break;
      if (Date.now() > deadline) throw new Error(`pilot jobs still in Slurm: ${names}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 90_000);
});
