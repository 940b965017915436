/**
 * @module
 * The `queue` executor: the executor seam over Redis and BullMQ. Creating
 * it checks the options and connects (a bad URL, an unreachable Redis, a
 * missing secret are errors before any task runs), opens a session, starts
 * reading the workers' heartbeats and the session's inbox. Its capacity is
 * what the queue's workers may offer, which only they know: every amount is
 * unbounded here, and the coordinator places each attempt on a worker whose
 * advert fits it, or keeps it waiting (saying why) until one does.
 */
import { mkdirSync } from 'node:fs';
import { registerErrorClasses, type Task } from '@weft/core';
import {
  type Capacity,
  checkSerializable,
  type Executor,
  type Invocation,
} from '@weft/core/executor';
import { openFsArtifactStore } from '@weft/core/store';
import { closeRedis, connect } from '../common/connect.ts';
import { InboxReader } from '../common/inbox.ts';
import { signerFromEnv } from '../common/secret.ts';
import { Wire } from '../common/wire.ts';
import { QUEUE_ERRORS } from '../errors.ts';
import { Coordinator } from './coordinator.ts';
import { type CompiledQueueOptions, compileQueueOptions, type QueueOptions } from './options.ts';
import { Receiver } from './receive.ts';
import { jobsFailed, redisReset, workerLeft, workerLost } from './recovery.ts';
import { Registry } from './registry.ts';
import { Session } from './session.ts';
import { Transport } from './transport.ts';

/** How often calls waiting for a worker that fits are looked at (warnings, timeouts). */
const SWEEP_MS = 500;
/** How long closing may take before connections are cut. */
const CLOSE_MS = 3000;

export class QueueExecutor implements Executor {
  readonly name = 'queue';
  readonly capacity: Capacity;
  /** Tasks run on other machines: in-memory resources cannot follow them. */
  readonly remote = true;
  /** Each attempt is placed on a worker, which `weft show` names (`host:pid`). */
  readonly placesAttempts = true;
  readonly #c: Coordinator;
  readonly #inbox: InboxReader;
  readonly #sweep: NodeJS.Timeout;
  #closing: Promise<void> | undefined;

  private constructor(c: Coordinator, inbox: InboxReader) {
    this.#c = c;
    this.#inbox = inbox;
    const o = c.o;
    const unbounded = Number.POSITIVE_INFINITY;
    this.capacity = Object.freeze({
      slots: o.slots,
      resources: Object.freeze({
        cpus: unbounded,
        memoryMb: unbounded,
        gpus: unbounded,
        ...Object.fromEntries(o.tags.map((t) => [t, unbounded])),
      }),
    });
    this.#sweep = setInterval(() => c.sweep(), SWEEP_MS);
    this.#sweep.unref();
  }

  /** Connects and opens a session; see the module. */
  static async create(options: QueueOptions = {}): Promise<QueueExecutor> {
    registerErrorClasses(QUEUE_ERRORS);
    const o = compileQueueOptions(options as Readonly<Record<string, unknown>>);
    const signer = signerFromEnv();
    const redis = await connect(o.target, {
      timeoutMs: o.connectTimeoutMs,
      name: 'weft-coordinator',
      pipelined: true,
      onError: (m) => o.logger.warn(`Redis at ${o.target.url}: ${m}`),
    });
    const parts = await openParts(o, redis, signer);
    return new QueueExecutor(parts.coordinator, parts.inbox);
  }

  /**
   * Throws when `task` could not run on a worker: a module a worker could not
   * import (or outside the project root), an argument that cannot be sent.
   */
  check(task: Task, args: readonly unknown[]): void {
    this.#c.moduleOf(task);
    checkSerializable(args, task.name);
  }

  run(invocation: Invocation, signal: AbortSignal): Promise<unknown> {
    return this.#c.run(invocation, signal);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const c = this.#c;
    clearInterval(this.#sweep);
    c.closeCalls();
    c.registry.close();
    // The session's last messages (session-end) leave before the connection closes.
    await new Promise((resolve) => setImmediate(resolve));
    const done = (async () => {
      await c.session.close();
      await Promise.all([...c.registry.views.values()].map((v) => c.transport.drop(v, false)));
      await this.#inbox.close();
      await closeRedis(c.redis);
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((r) => (timer = setTimeout(r, CLOSE_MS)))]);
    clearTimeout(timer);
    c.redis.disconnect();
  }
}

async function openParts(
  o: CompiledQueueOptions,
  redis: Awaited<ReturnType<typeof connect>>,
  signer: ReturnType<typeof signerFromEnv>,
): Promise<{ coordinator: Coordinator; inbox: InboxReader }> {
  mkdirSync(o.artifacts, { recursive: true });
  const wire = new Wire(signer, openFsArtifactStore(o.artifacts), o.inlineLimit);
  let c!: Coordinator;
  const session = new Session(redis, o.keys, () => redisReset(c));
  const registry = new Registry(redis, o.keys, o.keys.session(session.id), () => session.check(), {
    changed: (view) => {
      if (view.advert.draining) view.leaving = true;
      else o.logger.info(`queue worker ${view.advert.label} is live`);
      c.reconsider();
    },
    lost: (view, how) => void workerLost(c, view, how),
    left: (view) => workerLeft(c, view),
    swept: (ids) => void c.transport.sweep(ids),
  });
  const transport = new Transport(redis, o.keys, wire, session.id, {
    jobsFailed: (view, calls, error) => jobsFailed(c, view, calls, error),
    sendFailed: (view, error) =>
      o.logger.warn(`could not send to ${view.advert.label}: ${String(error)}`),
  });
  c = new Coordinator({ options: o, redis, wire, session, registry, transport });
  const inboxRedis = await connect(o.target, {
    timeoutMs: o.connectTimeoutMs,
    name: 'weft-coordinator-inbox',
  });
  const receiver = new Receiver(c);
  const inbox = new InboxReader(
    inboxRedis,
    o.keys.sessionInbox(session.id),
    (items) => receiver.take(items),
    (error) => o.logger.warn(`reading the session inbox: ${String(error)}`),
  );
  try {
    await session.open();
    await registry.start();
  } catch (error) {
    inboxRedis.disconnect();
    redis.disconnect();
    throw error;
  }
  inbox.start();
  return { coordinator: c, inbox };
}
