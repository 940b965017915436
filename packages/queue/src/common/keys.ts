/**
 * @module
 * The Redis keys of one queue. Everything lives under `weft:<queue>:`:
 * workers' heartbeats and inboxes, coordinator sessions and their inboxes,
 * the session each run belongs to now, and BullMQ's own keys (one BullMQ
 * queue per worker, named by the worker's id). Names are short: every job
 * carries its queue's keys.
 */
import { QueueOptionsError } from '../errors.ts';

/** What a queue name may be: it becomes part of Redis keys. */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export interface QueueKeys {
  /** Sorted set of worker ids, scored by their last heartbeat. */
  readonly workers: string;
  /** A worker's heartbeat: its advertisement, expiring unless renewed. */
  worker(id: string): string;
  /** Messages to a worker (from any coordinator session). */
  workerInbox(id: string): string;
  /** A coordinator session's liveness marker. */
  session(id: string): string;
  /** Messages to a coordinator session (from any worker). */
  sessionInbox(id: string): string;
  /** The session a run belongs to now: a resumed run's new session replaces the dead one. */
  run(runId: string): string;
  /** BullMQ's key prefix for this queue's per-worker queues. */
  readonly bullPrefix: string;
}

/** The keys of queue `name`; throws `QueueOptionsError` for a name unfit for keys. */
export function queueKeys(name: string, where: string): QueueKeys {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new QueueOptionsError(
      `${where}: queue name ${JSON.stringify(name)} must be 1 to 64 letters, digits, '.', '_' or '-'`,
    );
  }
  const base = `weft:${name}`;
  return {
    workers: `${base}:workers`,
    worker: (id) => `${base}:worker:${id}`,
    workerInbox: (id) => `${base}:worker:${id}:in`,
    session: (id) => `${base}:session:${id}`,
    sessionInbox: (id) => `${base}:session:${id}:in`,
    run: (runId) => `${base}:run:${runId}`,
    bullPrefix: `${base}:b`,
  };
}
