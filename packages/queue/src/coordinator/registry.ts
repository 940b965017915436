/**
 * @module
 * The live workers of a queue, as a coordinator learns them: it reads the
 * heartbeats every `pollMs` (the set of worker ids, then each one's advert,
 * which expires three heartbeats after the last). A worker whose heartbeat
 * expired is lost, unless it said it was leaving; ids whose heartbeat is
 * long gone are swept from the set by whichever coordinator sees them. When
 * Redis lost its data (the session's marker is gone with the heartbeats),
 * no worker is judged by it.
 */
import type { Redis } from 'ioredis';
import { type Advert, parseAdvert } from '../common/advert.ts';
import type { QueueKeys } from '../common/keys.ts';
import { WorkerView } from './state.ts';

/** Ids whose heartbeat is older than this are removed from the set. */
const SWEEP_AFTER_MS = 60_000;

export interface RegistryEvents {
  /** A worker appeared, or its advert changed (it may fit more, or be stopping). */
  changed(view: WorkerView): void;
  /** A worker's heartbeat expired (it had not said it was leaving). */
  lost(view: WorkerView, how: string): void;
  /** A worker that said it was leaving is gone. */
  left(view: WorkerView): void;
  /** Ids whose heartbeat is long gone were removed from the set: their data can go too. */
  swept(ids: readonly string[]): void;
}

export class Registry {
  readonly views = new Map<string, WorkerView>();
  readonly #redis: Redis;
  readonly #keys: QueueKeys;
  readonly #events: RegistryEvents;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;
  /** Bumped by `reset()`: a poll begun before it must not report on what it read. */
  #epoch = 0;

  /** A key that exists unless Redis lost its data (the session's marker). */
  readonly #sentinel: string;
  readonly #lostData: () => void;

  constructor(
    redis: Redis,
    keys: QueueKeys,
    sentinel: string,
    lostData: () => void,
    events: RegistryEvents,
    pollMs = 250,
  ) {
    this.#redis = redis;
    this.#keys = keys;
    this.#sentinel = sentinel;
    this.#lostData = lostData;
    this.#events = events;
    this.#pollMs = pollMs;
  }

  /** Reads the heartbeats once now, then every `pollMs`. */
  async start(): Promise<void> {
    await this.poll();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      void this.poll().finally(() => this.#schedule());
    }, this.#pollMs);
    this.#timer.unref();
  }

  /** Reads the heartbeats (once at a time) and reports what changed. */
  poll(): Promise<void> {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #poll(): Promise<void> {
    const epoch = this.#epoch;
    let entries: string[];
    let adverts: (string | null)[];
    try {
      const [[, present], [, listed]] = (await this.#redis
        .multi()
        .exists(this.#sentinel)
        .zrange(this.#keys.workers, 0, -1, 'WITHSCORES')
        .exec()) as [[unknown, number], [unknown, string[]]];
      if (present === 0) {
        // Redis lost its data, heartbeats with it: that loses no worker. The session recovers.
        this.#lostData();
        return;
      }
      entries = listed;
      const ids = entries.filter((_, i) => i % 2 === 0);
      adverts = ids.length === 0 ? [] : await this.#redis.mget(ids.map(this.#keys.worker));
    } catch {
      return; // Redis is away: judge no worker by a heartbeat that could not be read
    }
    if (this.#closed || epoch !== this.#epoch) return;
    const seen = new Set<string>();
    const stale: string[] = [];
    for (let i = 0; i < adverts.length; i++) {
      const id = entries[2 * i]!;
      const text = adverts[i];
      const advert = text === null || text === undefined ? undefined : parseAdvert(text);
      if (advert === undefined || advert.id !== id) {
        if (Date.now() - Number(entries[2 * i + 1]) > SWEEP_AFTER_MS) stale.push(id);
        continue;
      }
      seen.add(id);
      this.#update(advert);
    }
    for (const view of [...this.views.values()]) {
      if (seen.has(view.id)) continue;
      this.views.delete(view.id);
      if (view.leaving || view.advert.draining) this.#events.left(view);
      else {
        this.#events.lost(
          view,
          `no heartbeat for ${Math.round((3 * view.advert.intervalMs) / 100) / 10} s: killed, crashed, or its machine is unreachable`,
        );
      }
    }
    if (stale.length > 0) {
      this.#redis.zrem(this.#keys.workers, ...stale).then(
        (removed) => {
          if (removed > 0) this.#events.swept(stale);
        },
        () => {},
      );
    }
  }

  #update(advert: Advert): void {
    const view = this.views.get(advert.id);
    if (view === undefined) {
      const fresh = new WorkerView(advert);
      this.views.set(advert.id, fresh);
      this.#events.changed(fresh);
      return;
    }
    const before = view.advert;
    view.advert = advert;
    if (
      before.draining !== advert.draining ||
      before.concurrency !== advert.concurrency ||
      before.keyId !== advert.keyId
    ) {
      this.#events.changed(view);
    }
  }

  /**
   * Forgets every worker without reporting any as lost: Redis lost its
   * data, heartbeats included, and workers come back with their next one.
   */
  reset(): WorkerView[] {
    this.#epoch++;
    const views = [...this.views.values()];
    this.views.clear();
    return views;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}
