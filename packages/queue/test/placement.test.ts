/**
 * Placement with real `weft worker` processes: tasks go to workers whose
 * advertised capacity fits them; a requirement no live worker meets waits
 * with a visible reason and fails after the configured time; a worker
 * stopped with SIGTERM finishes what it runs and hands back what it had
 * not started; large results travel through the shared artifact store.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startsOf, TASKS, workflow } from './fixtures.ts';
import {
  cleanup,
  env,
  events,
  lines,
  type PrivateRedis,
  project,
  scratch,
  startRedis,
  startWorker,
  TIMEOUT,
  waitFor,
  weft,
} from './harness.ts';

let redis: PrivateRedis;
// A Redis of its own for each test: what one test leaves running cannot take another's jobs.
beforeEach(() => {
  redis = startRedis();
});
afterAll(cleanup, 30_000);

const PLACED = `
import { submit } from '@weft/core';
import { gpu, ssd, work } from './tasks.ts';
export default async function main() {
  return { gpu: submit(gpu), ssd: submit(ssd), plain: [1, 2, 3].map((i) => submit(work, 'q-' + i)) };
}
`;
const GPU = `
import { submit } from '@weft/core';
import { gpu } from './tasks.ts';
export default async function main() {
  return submit(gpu);
}
`;
const TREE = `
import { submit } from '@weft/core';
import { tree } from './tasks.ts';
export default async function main() {
  return submit(tree, 4);
}
`;
const CONFIG = `
import { defineConfig, resource, resourceSet } from '@weft/core';
import { queue } from '@weft/queue';

const greeter = resource({ create: () => ({ greet: (who: string) => 'hello ' + who }) });

export default defineConfig({
  modes: { cluster: resourceSet({ executor: queue({ placementTimeout: '30s' }), greeter }) },
  defaultMode: 'cluster',
});
`;
const GREET = `
import { submit, task } from '@weft/core';

export const greet = task({ name: 'greet', resources: ['greeter'] }, async (ctx, who: string) =>
  (ctx.resources as any).greeter.greet(who) + ' from ' + process.pid,
);

export default async function main() {
  return submit(greet, 'Ada');
}
`;
const BIG = `
import { submit } from '@weft/core';
import { big, work } from './tasks.ts';

export default async function main() {
  const [s, y] = await Promise.all([submit(big, 200_000), submit(work, 'y'.repeat(200_000))]);
  return s.length + y.length;
}
`;

/** A job too large to travel inline: the batch carrying it goes through the artifact store. */
const BIG_ARGUMENT = `
import { submit } from '@weft/core';
import { work } from './tasks.ts';

export default async function main() {
  return (await submit(work, 'y'.repeat(200_000))).length;
}
`;

describe('placement', () => {
  it(
    'fits requirements and tags to workers; what none fits waits, says why, then fails',
    async () => {
      const dir = project({ 'tasks.ts': TASKS, 'placed.ts': PLACED, 'gpu.ts': GPU });
      const plain = await startWorker(dir, redis, ['--cpus', '2', '--gpus', '0']);
      const gpuWorker = await startWorker(dir, redis, [
        '--cpus',
        '2',
        '--gpus',
        '1',
        '--tag',
        'ssd',
      ]);
      const tags = ['--set', 'executor.tags=["ssd"]'];
      const ok = await weft(
        ['run', 'placed.ts', '--executor', 'queue', '--json', ...tags],
        dir,
        env(redis),
      ).exited;
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      const result = events(ok.stdout).find((e) => e.type === 'result') as unknown as {
        value: { gpu: number; ssd: number };
      };
      expect(result.value.gpu).toBe(gpuWorker.pid);
      expect(result.value.ssd).toBe(gpuWorker.pid);

      // A tag no executor option lists is refused at submit.
      const undeclared = await weft(['run', 'placed.ts', '--executor', 'queue'], dir, env(redis))
        .exited;
      expect(undeclared.code).toBe(1);
      expect(undeclared.stderr).toContain(
        'task ssd#1 requires ssd=1 but executor "queue" offers at most ssd=0',
      );

      gpuWorker.child.kill('SIGTERM');
      await gpuWorker.exited;
      const timeout = ['--set', 'executor.placementTimeout=1s'];
      const failed = await weft(
        ['run', 'gpu.ts', '--executor', 'queue', ...timeout],
        dir,
        env(redis),
      ).exited;
      expect(failed.code).toBe(1);
      const why = `it needs gpus 1, which no live worker of queue weft at ${redis.url} offers: ${plain.label} offers cpus 2`;
      expect(failed.stderr).toContain(`warn: waiting for a queue worker (fails after 1 s): ${why}`);
      expect(failed.stderr).toContain('WEFT_QUEUE_NO_WORKER');
      expect(failed.stderr).toContain(`${why}`);
      expect(failed.stderr).toContain('(waited 1 s)');
      plain.child.kill('SIGTERM');
      await plain.exited;
    },
    TIMEOUT,
  );

  it(
    'tasks awaiting their children never deadlock a worker that runs one job at a time',
    async () => {
      const dir = project({ 'tasks.ts': TASKS, 'tree.ts': TREE });
      const one = await startWorker(dir, redis, ['--concurrency', '1']);
      const r = await weft(['run', 'tree.ts', '--executor', 'queue', '--json'], dir, env(redis))
        .exited;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const evs = events(r.stdout);
      expect(evs.find((e) => e.type === 'result')).toMatchObject({ value: 16 });
      expect(evs.filter((e) => e.type === 'succeeded')).toHaveLength(31);
      // Most were placed after the worker's slot freed, long after they were
      // handed to the queue: each still starts naming the worker it ran on.
      const starts = evs.filter((e) => e.type === 'started');
      expect(starts).toHaveLength(31);
      for (const s of starts) expect(s.worker).toBe(one.label);
      one.child.kill('SIGTERM');
      await one.exited;
    },
    TIMEOUT,
  );

  it(
    "runs a mode's queue executor; tasks get their resources rebuilt on the worker",
    async () => {
      const dir = project({ 'weft.config.ts': CONFIG, 'greet.ts': GREET });
      const w = await startWorker(dir, redis);
      const r = await weft(['run', 'greet.ts', '--json'], dir, env(redis)).exited;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(events(r.stdout).find((e) => e.type === 'result')).toMatchObject({
        value: `hello Ada from ${w.pid}`,
      });
      w.child.kill('SIGTERM');
      await w.exited;
    },
    TIMEOUT,
  );

  it(
    'a worker stopped with SIGTERM finishes its task and hands back the queued ones',
    async () => {
      const ids = ['block-0', 'block-1', 'q-0', 'q-1', 'q-2'];
      const dir = project({ 'tasks.ts': TASKS, 'wf.ts': workflow(ids) });
      const a = await startWorker(dir, redis, ['--concurrency', '1']);
      const b = await startWorker(dir, redis, ['--concurrency', '1']);
      // Jobs queued on a worker (prefetch) beside the one it runs: those it hands back.
      const run = weft(
        ['run', 'wf.ts', '--executor', 'queue', '--json', '--set', 'executor.prefetch=3'],
        dir,
        env(redis),
      );
      const started = join(dir, 'started.txt');
      await waitFor(
        () =>
          startsOf(lines(started), 'block-0').length > 0 &&
          startsOf(lines(started), 'block-1').length > 0,
        'both blocking tasks to start',
      );
      const stopped = startsOf(lines(started), 'block-0')[0]![1] === a.pid ? a : b;
      stopped.child.kill('SIGTERM');
      await waitFor(
        () => /handed back \d+ queued job\(s\)/.test(stopped.out.stderr),
        'the queued job to be handed back',
      );
      writeFileSync(join(dir, 'go'), '');
      const [done, exit] = await Promise.all([run.exited, stopped.exited]);
      expect(exit.code).toBe(0);
      expect(exit.stderr).toContain('stopping (SIGTERM)');
      expect(done.code).toBe(0);
      const evs = events(done.stdout);
      expect(evs.filter((e) => e.type === 'retrying' || e.type === 'failed')).toEqual([]);
      expect(startsOf(lines(started), 'block-0')).toEqual([[1, stopped.pid]]);
      expect(lines(started)).toHaveLength(ids.length + 1);
      const other = stopped === a ? b : a;
      other.child.kill('SIGTERM');
      await other.exited;
    },
    TIMEOUT,
  );

  it(
    'large jobs and results travel through the shared artifact store, and say so when it is not shared',
    async () => {
      const dir = project({ 'tasks.ts': TASKS, 'big.ts': BIG, 'arg.ts': BIG_ARGUMENT });
      const shared = await startWorker(dir, redis);
      const ok = await weft(['run', 'big.ts', '--executor', 'queue', '--json'], dir, env(redis))
        .exited;
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(events(ok.stdout).find((e) => e.type === 'result')).toMatchObject({ value: 400_000 });
      shared.child.kill('SIGTERM');
      await shared.exited;

      const apart = await startWorker(dir, redis, ['--artifacts', scratch('elsewhere-')]);
      const failed = await weft(['run', 'big.ts', '--executor', 'queue'], dir, env(redis)).exited;
      // The worker cannot read the job it was sent: it says so, and the task fails, not waits.
      const lost = await weft(['run', 'arg.ts', '--executor', 'queue'], dir, env(redis)).exited;
      apart.child.kill('SIGTERM');
      await apart.exited;
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('WEFT_QUEUE_ARTIFACT_MISSING');
      expect(failed.stderr).toContain('must use one shared directory');
      expect(lost.code).toBe(1);
      expect(lost.stderr).toContain('WEFT_QUEUE_ARTIFACT_MISSING');
    },
    TIMEOUT,
  );
});

describe('errors before any task runs', () => {
  it(
    'names an unreachable Redis, a bad URL, a missing secret',
    async () => {
      const dir = project({ 'tasks.ts': TASKS, 'wf.ts': workflow(['q-0']) });
      const closed = 'redis://127.0.0.1:1';
      const cases: [Record<string, string>, string][] = [
        [{ WEFT_QUEUE_REDIS: closed }, `cannot connect to Redis at ${closed}`],
        [{ WEFT_QUEUE_REDIS: 'http://example.com' }, 'http://example.com is not a Redis URL'],
        [{ WEFT_QUEUE_SECRET: '' }, 'WEFT_QUEUE_SECRET is not set'],
      ];
      for (const [extra, message] of cases) {
        const r = await weft(['run', 'wf.ts', '--executor', 'queue'], dir, env(redis, extra))
          .exited;
        expect(r.code, message).not.toBe(0);
        expect(r.stderr, message).toContain(message);
        const w = await weft(['worker'], dir, env(redis, extra)).exited;
        expect(w.code, message).not.toBe(0);
        expect(w.stderr, message).toContain(message);
      }
      expect(lines(join(dir, 'started.txt'))).toEqual([]);
    },
    TIMEOUT,
  );
});
