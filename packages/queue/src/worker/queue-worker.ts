/**
 * @module
 * A queue worker: the process behind `weft worker`. It advertises itself
 * with a heartbeat and reads its inbox, where coordinators send what they
 * answer and the jobs they place on it that start at once (those queued
 * beyond its slots wait in its own BullMQ queue, which it also takes jobs
 * from). It checks each job (signature, session, version, module, root:
 * `guard.ts`) and runs it through the session's worker host. Stopping (SIGTERM)
 * it takes no new job, hands back the ones it has not started, gives the
 * running ones `grace` to finish, stops the rest, and says so before it goes.
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Logger, serializeError } from '@weft/core';
import { openFsArtifactStore } from '@weft/core/store';
import { weftVersion } from '@weft/core/worker';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Advert } from '../common/advert.ts';
import { closeRedis, connect } from '../common/connect.ts';
import { InOrder } from '../common/in-order.ts';
import { InboxReader } from '../common/inbox.ts';
import { scrub } from '../common/redis-url.ts';
import { signerFromEnv } from '../common/secret.ts';
import type { DownBatch, DownHeader, JobHeader, JobPayload, Opened } from '../common/wire.ts';
import { Wire } from '../common/wire.ts';
import type { JobData } from '../coordinator/transport.ts';
import { TaskStoppedError } from '../errors.ts';
import { Gate } from './gate.ts';
import { Guard } from './guard.ts';
import { Heartbeat } from './heartbeat.ts';
import type { CompiledWorkerOptions } from './options.ts';
import { Reporter, sealedOf } from './reporter.ts';
import { type SessionDown, SessionHost, type WorkerContext } from './session-host.ts';
import { SessionWatch } from './sessions.ts';

const SWEEP_MS = 1000;
/** How long one step on Redis may take while stopping. */
const REDIS_STEP_MS = 3000;
/** How long stopped tasks get to report before the worker goes. */
const STOP_WAIT_MS = 1000;

export class QueueWorker {
  readonly advert: Advert;
  readonly #o: CompiledWorkerOptions;
  readonly #log: Logger;
  readonly #redis: Redis;
  readonly #inbox: InboxReader;
  readonly #wire: Wire;
  readonly #guard: Guard;
  readonly #gate: Gate;
  readonly #watch: SessionWatch;
  readonly #heartbeat: Heartbeat;
  readonly #hosts = new Map<string, SessionHost>();
  readonly #ctx: WorkerContext;
  readonly #order: InOrder;
  readonly #reporter: Reporter;
  #bull: Worker | undefined;
  #nextHost = 1;
  #sweep: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  #idle: (() => void) | undefined;
  #markStopped!: () => void;
  /** Resolves once the worker stopped (after `stop()`). */
  readonly stopped = new Promise<void>((resolve) => {
    this.#markStopped = resolve;
  });

  private constructor(o: CompiledWorkerOptions, log: Logger, redis: Redis, inboxRedis: Redis) {
    this.#o = o;
    this.#log = log;
    this.#redis = redis;
    const host = hostname();
    this.advert = {
      // Short: the id names the worker's BullMQ queue, whose keys every job carries.
      id: randomBytes(8).readBigUInt64BE().toString(36),
      label: `${host}:${process.pid}`,
      host,
      pid: process.pid,
      version: weftVersion(),
      keyId: '',
      concurrency: o.concurrency,
      cpus: o.cpus,
      memoryMb: o.memoryMb,
      gpus: o.gpus,
      tags: o.tags,
      draining: false,
      intervalMs: o.heartbeatMs,
    };
    mkdirSync(o.artifacts, { recursive: true });
    const signer = signerFromEnv();
    this.#wire = new Wire(signer, openFsArtifactStore(o.artifacts), o.inlineLimit);
    this.advert = { ...this.advert, keyId: signer.keyId };
    this.#reporter = new Reporter(this.advert.id, redis, o.keys, this.#wire, log);
    this.#guard = new Guard(o.root, this.advert);
    this.#gate = new Gate(o, o.concurrency);
    this.#watch = new SessionWatch(redis, o.keys);
    this.#heartbeat = new Heartbeat(o.target, o.keys, this.advert);
    this.#order = new InOrder((error) => log.warn(`dropped a message: ${String(error)}`));
    this.#ctx = {
      advert: this.advert,
      root: realpathSync(o.root),
      wire: this.#wire,
      keys: o.keys,
      gate: this.#gate,
      push: (key, bytes) => this.#reporter.push(key, bytes),
      closed: (h) => {
        if (this.#hosts.get(h.id) === h) this.#hosts.delete(h.id);
        this.#watch.forget(h.id);
        this.#guard.forget(h.id);
        this.#checkIdle();
      },
      sendFailed: (error) => log.warn(`could not report to a coordinator: ${String(error)}`),
    };
    this.#inbox = new InboxReader(
      inboxRedis,
      o.keys.workerInbox(this.advert.id),
      (items) => {
        for (const bytes of items) this.#order.run(() => this.#down(bytes));
      },
      (error) => log.warn(`reading the inbox: ${scrub(String(error), o.target)}`),
    );
  }

  /** Connects, advertises the worker and starts taking jobs; rejects with a clear error when it cannot. */
  static async start(o: CompiledWorkerOptions, log: Logger): Promise<QueueWorker> {
    signerFromEnv(); // a missing secret is an error before anything connects
    const onError = (m: string) => log.warn(`Redis at ${o.target.url}: ${m}`);
    const redis = await connect(o.target, {
      timeoutMs: o.connectTimeoutMs,
      name: 'weft-worker',
      pipelined: true,
      onError,
    });
    const inboxRedis = await connect(o.target, {
      timeoutMs: o.connectTimeoutMs,
      name: 'weft-worker-inbox',
    });
    const worker = new QueueWorker(o, log, redis, inboxRedis);
    await worker.#begin();
    return worker;
  }

  async #begin(): Promise<void> {
    const o = this.#o;
    for (const url of o.preload) {
      try {
        await import(url);
      } catch (error) {
        this.#log.warn(`could not preload ${url}: ${(error as Error).message}`);
      }
    }
    this.#inbox.start();
    const bull = new Worker<JobData>(
      this.advert.id,
      (job) => this.#process(sealedOf(job), job.id ?? '(no id)'),
      {
        connection: { ...o.target.connection, maxRetriesPerRequest: null },
        prefix: o.keys.bullPrefix,
        concurrency: o.concurrency,
        // Liveness is the heartbeat's business: a job's worker, lost, is known by it, and the
        // coordinator places the job again; BullMQ must never run a job a second time itself.
        maxStalledCount: 0,
        skipStalledCheck: true,
        lockDuration: 5 * 60_000,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 0 },
      },
    );
    bull.on('error', (error) => this.#log.debug(`BullMQ: ${scrub(error.message, o.target)}`));
    this.#bull = bull;
    await bull.waitUntilReady();
    await this.#heartbeat.started();
    this.#sweep = setInterval(() => void this.#sweepSessions(), SWEEP_MS);
    this.#log.info(
      `serving queue ${o.queue} at ${o.target.url}: concurrency ${o.concurrency}, cpus ${o.cpus}, ` +
        `memoryMb ${o.memoryMb}, gpus ${o.gpus}${o.tags.length === 0 ? '' : `, tags ${o.tags.join(' ')}`}; ` +
        `project ${o.root}; artifacts ${o.artifacts}`,
    );
  }

  /** One job from BullMQ (`id` is its BullMQ id); resolves when its slot is free. */
  async #process(sealed: Uint8Array, id: string): Promise<void> {
    let opened: Opened<JobPayload, JobHeader>;
    try {
      const o = this.#reporter.openJob(sealed);
      opened = o instanceof Promise ? await o : o;
    } catch (error) {
      // Unsigned or tampered with: nothing of it is read, and no one is told (its sender is unknown).
      this.#log.warn(`refused job ${id}: ${(error as Error).message}`);
      return;
    }
    if (opened.missing !== undefined) {
      this.#log.warn(opened.missing.message);
      const h = opened.header;
      if (h !== undefined && h.w === this.advert.id)
        this.#reporter.jobsLost(h.s, [h.k], opened.missing);
      return;
    }
    return this.#run(opened.value, id);
  }

  /**
   * A job whose signature held, from BullMQ or from the inbox (sent with a
   * session's messages, whose signature covers it); resolves when its slot
   * is free (see `session-host.ts`).
   */
  async #run(p: JobPayload, id: string): Promise<void> {
    if (typeof p !== 'object' || p === null) {
      this.#log.warn(`dropped job ${id}: it is not a job`);
      return;
    }
    if (p.w !== this.advert.id) {
      this.#log.warn(`dropped job ${id}: it was placed on worker ${p.w}, not this one`);
      return;
    }
    const task = () => `${p.n}#${p.i} (attempt ${p.at}) of run ${p.r}`;
    if (this.#stopping !== undefined) return this.#handBack(p);
    const alive = this.#watch.alive(p.s, p.r);
    if (!(alive === true || (alive !== false && (await alive)))) {
      this.#log.info(
        `dropped ${task()}: its coordinator session is gone (killed, or the run resumed elsewhere)`,
      );
      return;
    }
    const verdict = this.#guard.check(p);
    if (!verdict.ok && verdict.error === undefined) {
      this.#reporter.report(p.s, [{ t: 'need-graph', k: p.k }]);
      return;
    }
    if (!verdict.ok) {
      this.#log.warn(verdict.error.message);
      this.#reporter.report(p.s, [
        {
          t: 'job-refused',
          k: p.k,
          reason: verdict.error.reason,
          e: serializeError(verdict.error),
        },
      ]);
      return;
    }
    const need = this.#gate.need(p.q);
    const taken = this.#gate.take(need);
    if (taken !== true && !(await taken)) return this.#handBack(p);
    if (this.#stopping !== undefined) {
      this.#gate.release(need);
      return this.#handBack(p);
    }
    this.#log.debug(`running ${task()}`);
    await this.#host(p.s).run(p, verdict, need);
  }

  #handBack(p: JobPayload): void {
    this.#reporter.report(p.s, [{ t: 'handback', k: [p.k] }]);
  }

  #host(session: string): SessionHost {
    let host = this.#hosts.get(session);
    if (host === undefined) {
      host = new SessionHost(this.#ctx, session, this.#nextHost++);
      this.#hosts.set(session, host);
    }
    return host;
  }

  /** A batch from a coordinator session. */
  #down(bytes: Buffer): void | Promise<void> {
    const opened = this.#wire.open<DownBatch, DownHeader>('to-worker', bytes, 'a coordinator');
    const apply = (o: Awaited<typeof opened>): void => {
      if (o.missing !== undefined) {
        this.#log.warn(o.missing.message);
        const h = o.header;
        if (h === undefined) return;
        this.#hosts.get(h.s)?.lost(h.f, o.missing);
        // Its jobs never reach this worker: they fail, saying why, instead of waiting.
        this.#reporter.jobsLost(h.s, h.k ?? [], o.missing);
        return;
      }
      this.#wire.forget(o.artifact);
      const rest: SessionDown[] = [];
      for (const m of o.value.m) {
        if (m.t !== 'job') rest.push(m);
        else
          this.#run(m.p, 'from the inbox').catch((error: unknown) =>
            this.#log.warn(`a job from the inbox failed: ${String(error)}`),
          );
      }
      if (rest.length > 0) this.#hosts.get(o.value.s)?.receive(rest);
    };
    if (opened instanceof Promise) return opened.then(apply);
    apply(opened);
  }

  /** Stops the tasks of sessions whose coordinator is gone, and forgets those sessions. */
  async #sweepSessions(): Promise<void> {
    const dead = await this.#watch.sweep([...this.#hosts.keys()]);
    for (const session of dead) {
      const host = this.#hosts.get(session);
      if (host === undefined) continue;
      this.#log.warn(
        `coordinator session ${session} is gone (killed, or its run resumed elsewhere): ` +
          `stopping its ${host.running.length} task(s)`,
      );
      host.abortAll(
        new TaskStoppedError(
          'its coordinator is gone (killed, or the run was resumed elsewhere): nothing it reports could be recorded',
        ),
      );
      host.close();
    }
  }

  /** The number of tasks running here, over every session. */
  get running(): number {
    let n = 0;
    for (const host of this.#hosts.values()) n += host.running.length;
    return n;
  }

  #checkIdle(): void {
    if (this.running === 0) this.#idle?.();
  }

  /**
   * Stops gracefully; see the module. Idempotent: a second call returns the
   * same promise (the command exits at once on a second signal).
   */
  stop(why: string): Promise<void> {
    this.#stopping ??= this.#stop(why);
    return this.#stopping;
  }

  async #stop(why: string): Promise<void> {
    const o = this.#o;
    this.#log.info(
      `stopping (${why}): taking no new job, handing back queued ones, ` +
        `giving ${this.running} running task(s) ${o.graceMs / 1000} s to finish`,
    );
    this.#heartbeat.update({ ...this.advert, draining: true });
    this.#gate.cancelAll();
    // Each step on Redis is bounded: a worker whose Redis is gone must still stop.
    await within(this.#bull?.pause(true), REDIS_STEP_MS);
    await within(this.#reporter.handBackQueued(), REDIS_STEP_MS);
    const idle = new Promise<void>((resolve) => {
      this.#idle = resolve;
    });
    const tick = setInterval(() => this.#checkIdle(), 100);
    this.#checkIdle();
    await Promise.race([idle, sleep(o.graceMs)]);
    if (this.running > 0) {
      this.#log.warn(`stopping ${this.running} task(s) still running after the grace period`);
      const reason = new TaskStoppedError(`its worker ${this.advert.label} stopped (${why})`);
      for (const host of this.#hosts.values()) host.abortAll(reason);
      await Promise.race([idle, sleep(STOP_WAIT_MS)]);
    }
    clearInterval(tick);
    for (const [session, host] of this.#hosts) {
      this.#reporter.report(session, [
        { t: 'leaving', running: host.running, why: `it stopped (${why})` },
      ]);
      host.close();
    }
    await this.#close();
    this.#log.info('stopped');
    this.#markStopped();
  }

  /** Releases everything; the heartbeat goes first, so coordinators stop placing here. */
  async #close(): Promise<void> {
    clearInterval(this.#sweep);
    await this.#heartbeat.stop();
    await within(this.#bull?.close(true), REDIS_STEP_MS);
    await within(this.#inbox.close(), REDIS_STEP_MS);
    await new Promise((resolve) => setImmediate(resolve));
    await closeRedis(this.#redis);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `step` (its failure ignored), at most `ms`. */
async function within(step: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    step?.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
