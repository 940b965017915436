/**
 * The queue executor against the executor contract, with two real
 * `weft worker` processes on a private Redis. The workers' project root is
 * the repository, where the contract's tasks are; they import them at start
 * (`--preload`), since the contract's timeouts are 20 ms and count from
 * placement.
 */
import { join } from 'node:path';
import { runExecutorContract } from '@weft/core/testing';
import { createQueueExecutor } from '@weft/queue';
import { afterAll, beforeAll } from 'vitest';
import {
  cleanup,
  type PrivateRedis,
  project,
  REPO,
  SECRET,
  startRedis,
  startWorker,
} from './harness.ts';

const tasks = join(REPO, 'packages/core/src/testing/contract-tasks.ts');
let redis: PrivateRedis;

beforeAll(async () => {
  redis = startRedis();
  process.env.WEFT_QUEUE_SECRET = SECRET;
  const dir = project({});
  const args = ['--root', REPO, '--concurrency', '4', '--preload', tasks];
  await Promise.all([startWorker(dir, redis, args), startWorker(dir, redis, args)]);
}, 60_000);

afterAll(cleanup, 30_000);

runExecutorContract({
  name: 'queue (2 workers of 4)',
  create: () => createQueueExecutor({ redis: redis.url, root: REPO, killGrace: '200ms' }),
});
