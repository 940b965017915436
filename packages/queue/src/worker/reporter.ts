/**
 * @module
 * What a worker tells coordinator sessions outside the worker protocol:
 * jobs refused, jobs handed back, that it leaves. Each report is one signed
 * batch pushed to the session's inbox (which expires if no one reads it: its
 * coordinator may be gone). And, when the worker stops, the jobs still
 * waiting in its queue, handed back to their sessions before the queue is
 * emptied.
 */
import { type Logger, serializeError } from '@weft/core';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueKeys } from '../common/keys.ts';
import type { JobHeader, JobPayload, Opened, Up, Wire } from '../common/wire.ts';
import type { JobData } from '../coordinator/transport.ts';

/** How long an inbox nobody reads lingers on Redis. */
const INBOX_TTL_MS = 10 * 60_000;

export class Reporter {
  readonly #id: string;
  readonly #redis: Redis;
  readonly #keys: QueueKeys;
  readonly #wire: Wire;
  readonly #log: Logger;
  /** When each inbox's expiry is next renewed. */
  readonly #expiring = new Map<string, number>();

  constructor(id: string, redis: Redis, keys: QueueKeys, wire: Wire, log: Logger) {
    this.#id = id;
    this.#redis = redis;
    this.#keys = keys;
    this.#wire = wire;
    this.#log = log;
  }

  /** The payload of a job, once its signature holds (throws when it does not). */
  openJob(
    sealed: Uint8Array,
  ): Opened<JobPayload, JobHeader> | Promise<Opened<JobPayload, JobHeader>> {
    return this.#wire.open<JobPayload, JobHeader>('job', sealed, 'a coordinator');
  }

  /** Sends queue reports to a session, whether or not this worker runs any of its tasks. */
  report(session: string, messages: Up[]): void {
    try {
      const sealed = this.#wire.seal('to-coordinator', { w: this.#id, m: messages });
      const inbox = this.#keys.sessionInbox(session);
      if (sealed instanceof Promise) void sealed.then((b) => this.push(inbox, b));
      else this.push(inbox, sealed);
    } catch (error) {
      this.#log.warn(`could not report to a coordinator: ${String(error)}`);
    }
  }

  /** Jobs of `session` this worker could not read (their artifact is missing): they fail with `error`. */
  jobsLost(session: string, keys: readonly number[], error: Error): void {
    if (keys.length === 0) return;
    const e = serializeError(error);
    this.report(
      session,
      keys.map((k) => ({ t: 'done', k, ok: false, v: undefined, e, x: undefined })),
    );
  }

  /** Pushes signed bytes to an inbox (renewing its expiry now and then, not on every push). */
  push(key: string, bytes: Buffer): void {
    const failed = (error: unknown) =>
      this.#log.warn(`could not report to a coordinator: ${String(error)}`);
    this.#redis.rpush(key, bytes).catch(failed);
    const now = Date.now();
    if ((this.#expiring.get(key) ?? 0) > now) return;
    this.#expiring.set(key, now + INBOX_TTL_MS / 10);
    if (this.#expiring.size > 1024) this.#expiring.clear();
    this.#redis.pexpire(key, INBOX_TTL_MS).catch(failed);
  }

  /** Jobs waiting in the worker's queue go back to their coordinators; the queue is emptied. */
  async handBackQueued(): Promise<void> {
    const queue = new Queue(this.#id, { connection: this.#redis, prefix: this.#keys.bullPrefix });
    queue.on('error', () => {});
    try {
      const jobs = await queue.getJobs(['wait', 'prioritized', 'delayed']);
      let n = 0;
      for (const job of jobs) {
        try {
          const opened = await this.openJob(sealedOf(job));
          if (opened.missing === undefined) {
            this.report(opened.value.s, [{ t: 'handback', k: [opened.value.k] }]);
            n++;
          }
        } catch {
          // Unsigned: it was never a coordinator's job.
        }
      }
      await queue.obliterate({ force: true });
      if (n > 0) this.#log.info(`handed back ${n} queued job(s) to their coordinators`);
    } catch (error) {
      this.#log.warn(`could not hand back queued jobs: ${(error as Error).message}`);
    } finally {
      await queue.close().catch(() => {});
    }
  }
}

/** The signed bytes a BullMQ job carries. */
export function sealedOf(job: Job<JobData>): Buffer {
  return Buffer.from(String(job.data?.e), 'base64');
}
