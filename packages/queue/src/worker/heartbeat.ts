/**
 * @module
 * The worker's side of its heartbeat: starts the heartbeat thread, tells it
 * when the advert changes (the worker starts draining), and stops it, which
 * removes the worker from the queue at once (coordinators then take what it
 * handed back as handed back, not lost).
 */
import { Worker } from 'node:worker_threads';
import type { Advert } from '../common/advert.ts';
import type { QueueKeys } from '../common/keys.ts';
import type { RedisTarget } from '../common/redis-url.ts';
import type { FromHeartbeat, HeartbeatData, ToHeartbeat } from './heartbeat-thread.ts';

const ENTRY = new URL(
  `./heartbeat-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

export class Heartbeat {
  readonly #thread: Worker;
  readonly #first: Promise<void>;
  #stopped: Promise<void> | undefined;

  constructor(target: RedisTarget, keys: QueueKeys, advert: Advert) {
    const data: HeartbeatData = {
      connection: target.connection,
      key: keys.worker(advert.id),
      set: keys.workers,
      id: advert.id,
      advert: JSON.stringify(advert),
      intervalMs: advert.intervalMs,
    };
    this.#thread = new Worker(ENTRY, { workerData: data, name: 'weft heartbeat' });
    this.#first = new Promise((resolve, reject) => {
      this.#thread.on('message', (m: FromHeartbeat) => {
        if ('beat' in m) resolve();
      });
      this.#thread.once('error', reject);
      this.#thread.once('exit', () => reject(new Error('the heartbeat thread exited')));
    });
    // The thread does not keep the worker alive: the worker's own work does.
    this.#thread.unref();
  }

  /** Resolves once the first heartbeat is on Redis: coordinators can see the worker. */
  started(): Promise<void> {
    return this.#first;
  }

  update(advert: Advert): void {
    this.#thread.postMessage({ advert: JSON.stringify(advert) } satisfies ToHeartbeat);
  }

  /** Removes the worker's heartbeat and ends the thread (within about a second). */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.#thread.terminate().then(() => resolve()), 2000);
      this.#thread.on('message', (m: FromHeartbeat) => {
        if ('stopped' in m) {
          clearTimeout(timer);
          void this.#thread.terminate().then(() => resolve());
        }
      });
      this.#thread.postMessage({ stop: true } satisfies ToHeartbeat);
    });
    return this.#stopped;
  }
}
