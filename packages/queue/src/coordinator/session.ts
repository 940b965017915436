/**
 * @module
 * A coordinator session on Redis: a marker that workers check before they
 * run its jobs (and while they run them), renewed every second and expiring
 * `ttlMs` after the last renewal, and for each run it serves, which session
 * the run belongs to now. A coordinator killed leaves its marker to expire;
 * a resumed run names its new session at once, so workers drop the dead
 * session's jobs and stop its tasks, and nothing of it reaches the new one.
 *
 * The renewal is also how Redis losing its data is noticed: the marker is
 * renewed only if it is there (`SET XX`); when it is gone, the session puts
 * it back and calls `onReset`.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { QueueKeys } from '../common/keys.ts';

const RENEW_MS = 1000;
const TTL_MS = 15_000;

/** Deletes a run's key only while it still names this session (a resume may have taken it). */
const DELETE_IF_OURS =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

export class Session {
  readonly id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  readonly #redis: Redis;
  readonly #keys: QueueKeys;
  readonly #onReset: () => void;
  readonly #runs = new Set<string>();
  readonly #info: string;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Renewals issued so far; those issued up to `#covered` belong to a reset already handled. */
  #issued = 0;
  #covered = 0;

  constructor(redis: Redis, keys: QueueKeys, onReset: () => void) {
    this.#redis = redis;
    this.#keys = keys;
    this.#onReset = onReset;
    this.#info = JSON.stringify({ host: hostname(), pid: process.pid, started: Date.now() });
  }

  /** Puts the marker on Redis and starts renewing it. */
  async open(): Promise<void> {
    await this.#redis.set(this.#keys.session(this.id), this.#info, 'PX', TTL_MS);
    // A reconnection may follow a restart of Redis: check at once, not at the next renewal.
    this.#redis.on('ready', this.#renew);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#renew();
      this.#schedule();
    }, RENEW_MS);
    this.#timer.unref();
  }

  /** Records that `runId` runs in this session (workers drop jobs of its earlier sessions). */
  addRun(runId: string): void {
    if (this.#runs.has(runId)) return;
    this.#runs.add(runId);
    // Written now, not with the connection's automatic pipeline (at the end of the turn): the
    // run's first jobs, sent this turn, must not reach a worker before the claim does, or the
    // worker, seeing the run still owned by the session it resumes, drops them for good.
    this.#redis
      .pipeline()
      .set(this.#keys.run(runId), this.id, 'PX', TTL_MS)
      .exec()
      .catch(() => {});
  }

  /** Looks now whether Redis lost the marker (another reader found a key missing). */
  check(): void {
    this.#renew();
  }

  readonly #renew = (): void => {
    if (this.#closed) return;
    const seq = ++this.#issued;
    const pipeline = this.#redis
      .pipeline()
      .set(this.#keys.session(this.id), this.#info, 'PX', TTL_MS, 'XX');
    for (const runId of this.#runs) pipeline.set(this.#keys.run(runId), this.id, 'PX', TTL_MS);
    pipeline.exec().then(
      (results) => {
        if (this.#closed || results === null) return;
        const [error, renewed] = results[0]!;
        // Renewals queued while Redis was away all find the marker gone: one reset for them all.
        if (error !== null || renewed !== null || seq <= this.#covered) return;
        this.#covered = this.#issued;
        void this.#redis.set(this.#keys.session(this.id), this.#info, 'PX', TTL_MS).then(
          () => this.#onReset(),
          () => {},
        );
      },
      () => {}, // Redis is away; the next renewal, or the reconnection, looks again
    );
  };

  /** Removes the session's keys (bounded by the caller's deadline). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#redis.off('ready', this.#renew);
    const pipeline = this.#redis
      .pipeline()
      .del(this.#keys.session(this.id))
      .del(this.#keys.sessionInbox(this.id));
    for (const runId of this.#runs)
      pipeline.eval(DELETE_IF_OURS, 1, this.#keys.run(runId), this.id);
    await pipeline.exec().catch(() => {});
  }
}
