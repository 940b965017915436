/**
 * @module
 * What the coordinator sends to workers, in one signed batch per worker per
 * turn, pushed to the worker's inbox: messages (acks, outcomes of awaited
 * nodes, aborts) and the jobs that start at once there (a slot is free for
 * each). Jobs queued beyond that (`prefetch`) go through the worker's own
 * BullMQ queue (`addBulk`: the jobs placed in one turn of the event loop
 * leave together; `add` for a lone one, which is quicker), each signed. A
 * large job or batch travels through the artifact store (`wire.ts`).
 */
import { serialize } from 'node:v8';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueKeys } from '../common/keys.ts';
import {
  type Down,
  type DownBatch,
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
   * two more trips to Redis (a marker woken, then a script moving the job)
   * and several BullMQ scripts per job. What a dependent task waits for is
   * that latency; what many small tasks wait for is that CPU. The batch is
   * signed once for all of them.
   */
  #express(view: WorkerView): void {
    if (view.gone) return;
    for (const j of view.jobs) view.outbox.push({ t: 'job', p: j.payload });
    view.jobs = [];
  }

  #sendOutbox(view: WorkerView): void {
    let messages = view.outbox;
    view.outbox = [];
    let sender = this.#senders.get(view);
    if (sender === undefined) {
      const inbox = this.#keys.workerInbox(view.id);
      const failed = (error: unknown) => this.#events.sendFailed(view, error);
      // Its expiry is renewed now and then, not with every push (a push is a few per turn).
      let renewAt = 0;
      sender = new OrderedSender((bytes) => {
        this.#redis.rpush(inbox, bytes).catch(failed);
        const now = Date.now();
        if (now < renewAt) return;
        renewAt = now + INBOX_TTL_MS / 10;
        this.#redis.pexpire(inbox, INBOX_TTL_MS).catch(failed);
      }, failed);
      this.#senders.set(view, sender);
    }
    let sealed: Buffer | Promise<Buffer>;
    try {
      sealed = this.#sealBatch(messages);
    } catch {
      // One message cannot be serialized (a job's arguments, say): it alone fails.
      messages = messages.filter((m) => this.#serializable(view, m));
      if (messages.length === 0) return;
      try {
        sealed = this.#sealBatch(messages);
      } catch (error) {
        this.#events.sendFailed(view, error);
        return;
      }
    }
    if (sealed instanceof Promise) {
      // A large batch waits for the artifact store; should that fail, its jobs fail with it.
      const calls = messages.flatMap((m) => {
        const call = m.t === 'job' ? view.calls.get(m.p.k) : undefined;
        return call === undefined ? [] : [call];
      });
      if (calls.length > 0) {
        sealed = sealed.catch((error: unknown) => {
          this.#events.jobsFailed(view, calls, error);
          throw error;
        });
      }
    }
    sender.send(sealed);
  }

  #sealBatch(messages: readonly Down[]): Buffer | Promise<Buffer> {
    const batch: DownBatch = { s: this.#session, m: messages };
    const header = (): DownHeader => ({
      s: this.#session,
      f: messages.flatMap((m) => (m.t === 'ack' || m.t === 'settle' ? [m.f] : [])),
      k: messages.flatMap((m) => (m.t === 'job' ? [m.p.k] : [])),
    });
    return this.#wire.seal('to-worker', batch, header);
  }

  /** Whether `m` can be serialized; when not, says so (a job's call fails with the error). */
  #serializable(view: WorkerView, m: Down): boolean {
    try {
      serialize(m);
      return true;
    } catch (error) {
      const call = m.t === 'job' ? view.calls.get(m.p.k) : undefined;
      if (call !== undefined) this.#events.jobsFailed(view, [call], error);
      else this.#events.sendFailed(view, error);
      return false;
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
      sealed = jobs.map((j) => this.#sealJob(j.payload, j.call));
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
