/**
 * The queue executor as one pool among others (core's `pools()`), as a user
 * runs it: a mode whose executor keeps small tasks in the coordinator and
 * sends the cluster pool's tasks to a real `weft worker` on a private Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanup,
  env,
  events,
  type PrivateRedis,
  project,
  startRedis,
  startWorker,
  TIMEOUT,
  weft,
} from './harness.ts';

afterAll(cleanup, 30_000);

let redis: PrivateRedis;
beforeAll(() => {
  redis = startRedis();
});

const CONFIG = `
import { defineConfig, pools, resource, resourceSet } from '@weft/core';
import { queue } from '@weft/queue';

export default defineConfig({
  modes: {
    mixed: resourceSet({
      executor: pools({ local: 'inline', cluster: queue({ placementTimeout: '30s' }) }, { default: 'local' }),
      memory: resource({ processSafe: false, create: () => new Map<string, number>() }),
    }),
  },
  defaultMode: 'mixed',
});
`;

const WORKFLOW = `
import { submit, task } from '@weft/core';

export const where = task('where', async () => process.pid);

/** In the cluster pool; its child names no pool, so it stays in its parent's. */
export const heavy = task({ name: 'heavy', pool: 'cluster' }, async () => [process.pid, await submit(where)]);

export const useMemory = task({ name: 'useMemory', resources: ['memory'] }, (ctx) =>
  (ctx.resources as any).memory instanceof Map,
);

const refusal = (fn: () => unknown) => {
  try {
    fn();
    return 'not refused';
  } catch (error) {
    return (error as Error).message;
  }
};

export default async function main() {
  return {
    coordinator: process.pid,
    local: await submit(where),
    heavy: await submit(heavy),
    chosen: await submit(where.with({ pool: 'cluster' })),
    memoryHere: await submit(useMemory),
    memoryThere: refusal(() => submit(useMemory.with({ pool: 'cluster' }))),
    unknown: refusal(() => submit(where.with({ pool: 'gpu' }))),
  };
}
`;

describe('the queue executor as a pool', () => {
  it(
    "runs the cluster pool's tasks on weft workers and the rest at home; checks are per pool",
    async () => {
      const dir = project({ 'weft.config.ts': CONFIG, 'wf.ts': WORKFLOW });
      const w = await startWorker(dir, redis, ['--concurrency', '2']);
      const r = await weft(['run', 'wf.ts', '--json'], dir, env(redis)).exited;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = events(r.stdout).find((e) => e.type === 'result')?.value as Record<
        string,
        unknown
      >;
      expect(out.local).toBe(out.coordinator);
      expect(out.coordinator).not.toBe(w.pid);
      expect(out.heavy).toEqual([w.pid, w.pid]);
      expect(out.chosen).toBe(w.pid);
      expect(out.memoryHere).toBe(true);
      expect(out.memoryThere).toBe(
        'task useMemory needs resource "memory", which cannot be rebuilt in another process ' +
          '(processSafe: false), but its pool "cluster" (executor "queue") runs tasks outside ' +
          'this process; send the task to a pool that runs tasks here (local) with its pool ' +
          'option, or use a resource that can be rebuilt in a worker',
      );
      expect(out.unknown).toMatch(
        /^task where#\d+ asks for pool "gpu", which executor "pools" does not have \(its pools: local, cluster\);/,
      );
      w.child.kill('SIGTERM');
      expect((await w.exited).code).toBe(0);
    },
    TIMEOUT,
  );
});
