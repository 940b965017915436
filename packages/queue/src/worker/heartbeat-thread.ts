/**
 * @module
 * The heartbeat, in a thread of its own: a task that keeps the worker's
 * main thread busy (a long computation) must not make coordinators think
 * the worker lost and run its tasks again elsewhere. Every interval it
 * renews the worker's advert (expiring after three intervals) and its entry
 * in the queue's set of workers; told to stop, it deletes both.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import type { RedisConnection } from '../common/redis-url.ts';

export interface HeartbeatData {
  readonly connection: RedisConnection;
  readonly key: string;
  readonly set: string;
  readonly id: string;
  readonly advert: string;
  readonly intervalMs: number;
}

/** What the main thread sends. */
export type ToHeartbeat = { readonly advert: string } | { readonly stop: true };

/** What the thread answers. */
export type FromHeartbeat = { readonly beat: true } | { readonly stopped: true };

const data = workerData as HeartbeatData;
const port = parentPort!;
let advert = data.advert;
const redis = new Redis({
  ...data.connection,
  connectionName: 'weft-worker-heartbeat',
  maxRetriesPerRequest: null,
  retryStrategy: (times) => Math.min(50 * times, 1000),
});
// Errors are retried by the client; a heartbeat missed is what coordinators judge by.
redis.on('error', () => {});

let first = true;
function beat(): void {
  redis
    .multi()
    .set(data.key, advert, 'PX', 3 * data.intervalMs)
    .zadd(data.set, Date.now(), data.id)
    .exec()
    .then(
      () => {
        if (first) port.postMessage({ beat: true } satisfies FromHeartbeat);
        first = false;
      },
      () => {},
    );
}

const timer = setInterval(beat, data.intervalMs);
beat();

port.on('message', (m: ToHeartbeat) => {
  if ('advert' in m) {
    advert = m.advert;
    beat();
    return;
  }
  clearInterval(timer);
  const done = () => {
    port.postMessage({ stopped: true } satisfies FromHeartbeat);
    redis.disconnect();
    port.close();
  };
  const deadline = setTimeout(done, 1000);
  redis
    .multi()
    .del(data.key)
    .zrem(data.set, data.id)
    .exec()
    .finally(() => {
      clearTimeout(deadline);
      done();
    });
});
