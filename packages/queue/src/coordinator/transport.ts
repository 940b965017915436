/**
 * @module
 * What the coordinator sends to workers: jobs, through each worker's own
 * BullMQ queue (`addBulk`: the jobs placed in one turn of the event loop
 * leave together; `add` for a lone one, which is quicker), and messages (acks, outcomes of awaited nodes, aborts),
 * pushed to the worker's inbox in one signed batch per turn. A large job or
 * batch travels through the artifact store (`wire.ts`).
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueKeys } from '../common/keys.ts';
import {
  type DownHeader,
  type JobHeader,
  type JobPayload,
  OrderedSender,
  type Wire,
} from '../common/wire.ts';
import type { QueueCall, WorkerView } from './state.ts';

/** How long an inbox nobody reads (its worker is gone) lingers on Redis. */
const INBOX_TTL_MS = 10 * 60_000;

/** A job as BullMQ stores it: the signed payload, in base64 (BullMQ keeps JSON). */
export interface JobData {
  readonly e: string;
}

const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: true, attempts: 1 } as const;

export interface TransportEvents {
  /** Jobs could not be added (Redis refused them): the calls must go elsewhere or fail. */
  jobsFailed(view: WorkerView, calls: readonly QueueCall[], error: unknown): void;
  /** A message could not be sent or sealed. */
  sendFailed(view: WorkerView, error: unknown): void;
}

export class Transport {
  readonly #redis: Redis;
  readonly #keys: QueueKeys;
  readonly #wire: Wire;
  readonly #session: string;
  readonly #events: TransportEvents;
  readonly #dirty = new Set<WorkerView>();
  readonly #senders = new WeakMap<WorkerView, OrderedSender>();
  #scheduled = false;

  constructor(redis: Redis, keys: QueueKeys, wire: Wire, session: string, events: TransportEvents) {
    this.#redis = redis;
    this.#keys = keys;
    this.#wire = wire;
    this.#session = session;
    this.#events = events;
  }

  /** Queues the job of `call`'s current placement on `view`. */
  job(view: WorkerView, call: QueueCall, payload: JobPayload): void {
    view.used = true;
    view.jobs.push({ payload, call });
    this.#mark(view);
  }

  /** Queues a message to `view`. */
  send(view: WorkerView, message: WorkerView['outbox'][number]): void {
    view.outbox.push(message);
    this.#mark(view);
  }

  #mark(view: WorkerView): void {
    this.#dirty.add(view);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // After the scheduler's microtasks of this turn: what it dispatches together leaves together.
      queueMicrotask(() => queueMicrotask(this.#flush));
    }
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const views = [...this.#dirty];
    this.#dirty.clear();
    for (const view of views) {
      if (view.jobs.length > 0 && view.active <= view.advert.concurrency) this.#express(view);
      if (view.outbox.length > 0) this.#sendOutbox(view);
      if (view.jobs.length > 0) this.#sendJobs(view);
    }
  };

  /**
   * Jobs for a worker with a slot free for each of its calls start at once
   * there: they go with its messages, to the inbox it is blocked reading,
   * instead of through its BullMQ queue, whose worker would take them in
   * two more trips to Redis (a marker woken, then a script moving the job).
   * What a dependent task waits for is that latency. Jobs too large to go
   * inline still take the queue.
   */
  #express(view: WorkerView): void {
    if (view.gone) return;
    const kept: WorkerView['jobs'] = [];
    for (const j of view.jobs) {
      let sealed: Buffer | Promise<Buffer>;
      try {
        sealed = this.#sealJob(j.payload, j.call);
      } catch {
        kept.push(j); // the queue's path reports what cannot be serialized
        continue;
      }
      if (sealed instanceof Promise) kept.push({ ...j, sealed });
      else view.outbox.push({ t: 'job', j: sealed });
    }
    view.jobs = kept;
  }

  #sealJob(payload: JobPayload, call: QueueCall): Buffer | Promise<Buffer> {
    return this.#wire.seal(
      'job',
      payload,
      (): JobHeader => ({ s: payload.s, k: payload.k, w: payload.w }),
      (hash) => {
        call.artifact = hash;
      },
    );
  }

  #sendOutbox(view: WorkerView): void {
    const batch = { s: this.#session, m: view.outbox };
    view.outbox = [];
    let sender = this.#senders.get(view);
    if (sender === undefined) {
      const inbox = this.#keys.workerInbox(view.id);
      sender = new OrderedSender(
        (bytes) => {
          this.#redis
            .pipeline()
            .rpush(inbox, bytes)
            .pexpire(inbox, INBOX_TTL_MS)
            .exec()
            .catch((error: unknown) => this.#events.sendFailed(view, error));
        },
        (error) => this.#events.sendFailed(view, error),
      );
      this.#senders.set(view, sender);
    }
    try {
      const header = (): DownHeader => ({
        s: this.#session,
        f: batch.m.flatMap((m) => (m.t === 'ack' || m.t === 'settle' ? [m.f] : [])),
      });
      sender.send(this.#wire.seal('to-worker', batch, header));
    } catch (error) {
      this.#events.sendFailed(view, error);
    }
  }

  #sendJobs(view: WorkerView): void {
    const jobs = view.jobs;
    view.jobs = [];
    // Its calls went elsewhere when it was let go: their jobs here would never run.
    if (view.gone) return;
    view.queue ??= this.#queueOf(view.id);
    const queue = view.queue;
    const calls = jobs.map((j) => j.call);
    let sealed: (Buffer | Promise<Buffer>)[];
    try {
      sealed = jobs.map((j) => j.sealed ?? this.#sealJob(j.payload, j.call));
    } catch (error) {
      this.#events.jobsFailed(view, calls, error);
      return;
    }
    const add = (bytes: readonly Buffer[]): void => {
      const added: Promise<unknown> =
        bytes.length === 1
          ? queue.add('weft', { e: bytes[0]!.toString('base64') } satisfies JobData, JOB_OPTIONS)
          : queue.addBulk(
              bytes.map((b) => ({
                name: 'weft',
                data: { e: b.toString('base64') } satisfies JobData,
                opts: JOB_OPTIONS,
              })),
            );
      added.catch((error: unknown) => this.#events.jobsFailed(view, calls, error));
    };
    if (sealed.every((s) => s instanceof Buffer)) add(sealed as Buffer[]);
    else
      void Promise.all(sealed).then(add, (error: unknown) =>
        this.#events.jobsFailed(view, calls, error),
      );
  }

  /**
   * The keys of this session's jobs still waiting in a lost worker's queue
   * (so never started there), which are removed from it: they go elsewhere
   * as if never placed. Empty when the queue cannot be read.
   */
  async takeBack(view: WorkerView): Promise<Set<number>> {
    const keys = new Set<number>();
    const queue = view.queue ?? this.#queueOf(view.id);
    try {
      const jobs = await queue.getJobs(['wait', 'prioritized', 'delayed']);
      for (const job of jobs) {
        const data = job.data as JobData | undefined;
        let opened: Awaited<ReturnType<Wire['open']>>;
        try {
          opened = await this.#wire.open<JobPayload>(
            'job',
            Buffer.from(String(data?.e), 'base64'),
            'a job',
          );
        } catch {
          continue;
        }
        const p = opened.missing === undefined ? (opened.value as JobPayload) : undefined;
        if (p?.s !== this.#session) continue;
        // Removed only if still waiting: a job the worker took meanwhile counts as started.
        if (
          await job.remove().then(
            () => true,
            () => false,
          )
        )
          keys.add(p.k);
      }
    } catch {
      // Redis is away: every call there counts as started.
    }
    return keys;
  }

  /** Deletes what is left on Redis of workers long gone (their queues and inboxes). */
  async sweep(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const queue = this.#queueOf(id);
      try {
        await queue.obliterate({ force: true });
        await this.#redis.del(this.#keys.workerInbox(id));
      } catch {
        // Another coordinator swept it first, or Redis is away.
      } finally {
        await queue.close().catch(() => {});
      }
    }
  }

  #queueOf(id: string): Queue {
    const queue = new Queue(id, { connection: this.#redis, prefix: this.#keys.bullPrefix });
    // Its connection's errors are the coordinator's connection's, reported there once.
    queue.on('error', () => {});
    return queue;
  }

  /** Closes the worker's BullMQ queue object and, when it is gone for good, deletes its data. */
  async drop(view: WorkerView, obliterate: boolean): Promise<void> {
    const queue = view.queue ?? this.#queueOf(view.id);
    view.queue = undefined;
    try {
      if (obliterate) {
        await queue.obliterate({ force: true });
        await this.#redis.del(this.#keys.workerInbox(view.id));
      }
    } catch {
      // Another coordinator did it, or Redis is away; the data expires or is swept later.
    } finally {
      await queue.close().catch(() => {});
    }
  }
}
