/**
 * @module
 * One coordinator session as a worker serves it: a `WorkerHost` (the worker
 * runtime of weft, as in a pool worker) speaking the worker protocol over a
 * channel on Redis. Jobs become `run` messages (after the `module` and
 * `resources` announcements the host needs); what the host sends goes to the
 * session's inbox, one signed batch per turn; what the coordinator answers
 * (acks, outcomes of awaited nodes, aborts) comes from the worker's inbox.
 *
 * It also keeps the worker's books per job: the job's BullMQ slot is freed
 * when its task ends or first waits on a node, and the resources it holds in
 * the gate are given back while it waits and taken again when it resumes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import { serializeError } from '@weft/core';
import type { FromWorker, ToWorker } from '@weft/core/worker';
import { WorkerHost, weftVersion } from '@weft/core/worker';
import type { Advert } from '../common/advert.ts';
import type { QueueKeys } from '../common/keys.ts';
import { portableOptions } from '../common/modules.ts';
import {
  type Down,
  type JobPayload,
  OrderedSender,
  type Up,
  type UpHeader,
  type Wire,
} from '../common/wire.ts';
import { TaskStoppedError } from '../errors.ts';
import type { Amounts, Gate } from './gate.ts';

/** What a coordinator sends a session host: its messages, not its jobs. */
export type SessionDown = Exclude<Down, { readonly t: 'job' }>;

/** Which session's task is running in the current async context (its output goes there). */
export const currentSession = new AsyncLocalStorage<SessionHost>();

/** What a session host needs of its worker. */
export interface WorkerContext {
  readonly advert: Advert;
  readonly root: string;
  readonly wire: Wire;
  readonly keys: QueueKeys;
  readonly gate: Gate;
  /** Pushes bytes to a list (the session's inbox). */
  push(key: string, bytes: Buffer): void;
  /** The host said it is done (closed): forget it. */
  closed(host: SessionHost): void;
  sendFailed(error: unknown): void;
}

/** A job running here, from the worker's side. */
interface JobRun {
  readonly need: Amounts;
  /** It holds its share of the gate (not while it waits on nodes). */
  holds: boolean;
  waits: number;
  /** Frees the job's BullMQ slot: its task ended, or waits. */
  release: (() => void) | undefined;
}

export class SessionHost {
  readonly id: string;
  readonly #w: WorkerContext;
  readonly #host: WorkerHost;
  readonly #started: Promise<void>;
  readonly #sender: OrderedSender;
  readonly #modules = new Map<string, number>();
  readonly #sources = new Set<number>();
  readonly #jobs = new Map<number, JobRun>();
  /** The job waiting on each node, by the node's key. */
  readonly #waiting = new Map<number, number>();
  #closed = false;

  constructor(w: WorkerContext, session: string, hostId: number) {
    this.id = session;
    this.#w = w;
    const inbox = w.keys.sessionInbox(session);
    this.#sender = new OrderedSender(
      (bytes) => w.push(inbox, bytes),
      (error) => w.sendFailed(error),
    );
    this.#host = new WorkerHost(
      {
        workerId: hostId,
        label: w.advert.label,
        version: weftVersion(),
        setup: undefined,
        preload: [],
      },
      {
        send: (batch) => this.#send(batch),
        exit: (_code, last) => {
          if (last !== undefined) this.#send(last);
          this.#closed = true;
          w.closed(this);
        },
      },
    );
    this.#started = this.#host.start();
  }

  /** Keys of the jobs running here (started, not ended). */
  get running(): number[] {
    return [...this.#jobs.keys()];
  }

  get idle(): boolean {
    return this.#jobs.size === 0;
  }

  /**
   * Runs a job whose checks passed and whose gate share is taken; resolves
   * when its BullMQ slot is free (the task ended, or waits on a node).
   */
  async run(
    p: JobPayload,
    module: {
      readonly url: string;
      readonly graph: string;
      readonly configFile: string | undefined;
    },
    need: Amounts,
  ): Promise<void> {
    const { url, configFile } = module;
    await this.#started;
    const batch: ToWorker[] = [];
    let m = this.#modules.get(url);
    if (m === undefined) {
      m = this.#modules.size;
      this.#modules.set(url, m);
      batch.push({ t: 'module', m, url, hash: module.graph });
    }
    if (p.src !== undefined && !this.#sources.has(p.src.id)) {
      this.#sources.add(p.src.id);
      const source = {
        ...p.src.source,
        configFile: configFile ?? join(this.#w.root, p.src.source.configFile),
      };
      batch.push({ t: 'resources', s: p.src.id, source });
    }
    batch.push({
      t: 'run',
      k: p.k,
      m,
      n: p.n,
      a: p.a,
      r: p.r,
      i: p.i,
      at: p.at,
      l: p.l,
      ...(p.src === undefined ? {} : { res: p.res ?? [], s: p.src.id }),
    });
    await new Promise<void>((resolve) => {
      this.#jobs.set(p.k, { need, holds: true, waits: 0, release: resolve });
      // Its task's async context carries this session: what it prints goes here.
      currentSession.run(this, () => this.#host.receive(batch));
    });
  }

  /** Output a task of this session wrote. */
  output(stream: 1 | 2, text: string): void {
    this.#host.output(stream, text);
  }

  /** Messages from the coordinator (its jobs go to the worker). */
  receive(messages: readonly SessionDown[]): void {
    const forward: ToWorker[] = [];
    for (const m of messages) {
      if (m.t === 'session-end') {
        // Nothing its tasks report would be recorded any more: they stop.
        this.abortAll(new TaskStoppedError('its coordinator ended its session (the run is over)'));
        this.close();
        continue;
      }
      if (m.t === 'settle') this.#resumed(m.f);
      else if (m.t === 'abort') this.#stopping(m.k);
      forward.push(m);
    }
    if (forward.length > 0 && !this.#closed) this.#host.receive(forward);
  }

  /** The outcomes of `nodes` were lost on the way (a batch whose artifact is missing): they failed. */
  lost(nodes: readonly number[], error: Error): void {
    const e = serializeError(error);
    this.receive(
      nodes.map((f) => ({ t: 'settle', f, ok: false, v: undefined, e, state: 'failed' })),
    );
  }

  /** Fires the signal of every task of this session, with `reason`. */
  abortAll(reason: Error): void {
    const plain = serializeError(reason);
    const aborts: ToWorker[] = this.running.map((k) => ({ t: 'abort', k, reason: plain }));
    if (aborts.length > 0) this.#host.receive(aborts);
  }

  /** Ends the session here once its tasks are done: its resources are disposed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.receive([{ t: 'close' }]);
  }

  #send(batch: FromWorker[]): void {
    const out: Up[] = [];
    for (const m of batch) {
      if (m.t === 'ready') continue;
      out.push(m.t === 'submit' ? { ...m, o: portableOptions(this.#w.root, m.o) } : m);
    }
    if (out.length === 0) return;
    const w = this.#w;
    const header = (): UpHeader => ({
      w: w.advert.id,
      k: out.flatMap((m) => ('k' in m && typeof m.k === 'number' && m.k >= 0 ? [m.k] : [])),
    });
    // Throws when a value cannot be serialized: the host then sends message by message.
    const sealed = w.wire.seal('to-coordinator', { w: w.advert.id, m: out }, header);
    for (const m of out) {
      if (m.t === 'done') this.#ended(m.k);
      else if (m.t === 'wait' && m.k >= 0) this.#waits(m.k, m.f);
    }
    this.#sender.send(sealed);
  }

  #ended(k: number): void {
    const job = this.#jobs.get(k);
    if (job === undefined) return;
    this.#jobs.delete(k);
    if (job.holds) this.#w.gate.release(job.need);
    // After the report leaves (the worker's connection writes its commands on setImmediate):
    // freeing the slot makes BullMQ finish the job, whose script would otherwise hold up the
    // report on Redis, and the report is what the coordinator waits for.
    if (job.release !== undefined) setImmediate(job.release);
    for (const [f, waiter] of this.#waiting) if (waiter === k) this.#waiting.delete(f);
  }

  #waits(k: number, f: number): void {
    const job = this.#jobs.get(k);
    if (job === undefined) return;
    this.#waiting.set(f, k);
    if (job.waits++ > 0) return;
    if (job.holds) {
      job.holds = false;
      this.#w.gate.release(job.need);
    }
    job.release?.();
    job.release = undefined;
  }

  /**
   * The coordinator gave up on job `k` (its signal fired): its slot and gate
   * share are free at once, so that a task that ignores its signal does not
   * keep the worker from jobs the coordinator now waits for.
   */
  #stopping(k: number): void {
    const job = this.#jobs.get(k);
    if (job === undefined) return;
    if (job.holds) {
      job.holds = false;
      this.#w.gate.release(job.need);
    }
    job.release?.();
    job.release = undefined;
    job.waits = Number.POSITIVE_INFINITY; // it never takes its share again
  }

  #resumed(f: number): void {
    const k = this.#waiting.get(f);
    if (k === undefined) return;
    this.#waiting.delete(f);
    const job = this.#jobs.get(k);
    if (job === undefined || --job.waits > 0) return;
    job.holds = true;
    this.#w.gate.force(job.need);
  }
}
