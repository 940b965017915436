/**
 * @module
 * A pool of workers (threads or processes) behind the executor seam.
 *
 * - Placement: an attempt goes to the live worker with the fewest attempts
 *   running and not waiting; a new worker starts while all are busy and
 *   fewer than `max` run. Workers start lazily and stay until the pool closes.
 * - Signals: a fired signal is forwarded to the worker, which aborts the
 *   task's own signal; a task still running `killGrace` later gets its worker
 *   stopped hard (no new task goes to that worker meanwhile, and a
 *   replacement may start).
 * - Death: a worker that dies fails only the attempts it was running, with
 *   `WorkerDiedError` saying how it died; the next attempt starts a fresh one.
 * - Closing rejects what runs, asks workers to exit (disposing their
 *   setup), and stops those still there after a grace period.
 */
import { serializeError } from '../../errors/base.ts';
import { deserializeError } from '../../errors/deserialize.ts';
import { formatTask } from '../../errors/run.ts';
import {
  describeDeath,
  PoolClosedError,
  UnserializableValueError,
  type WorkerDeath,
  WorkerDiedError,
  WorkerMismatchError,
  WorkerStartError,
} from '../../errors/worker.ts';
import type { ResourceSource } from '../../resources/source.ts';
import type { Invocation } from '../executor.ts';
import { submitFromWorker, waitFromWorker } from './children.ts';
import { type Call, Connection } from './connection.ts';
import { coordinatorHash, importableModule } from './modules.ts';
import type { CompiledParallelOptions } from './options.ts';
import { flushOutput, writeOutput } from './output.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import type { Runtime } from './runtime.ts';
import { findUnserializable } from './serializable.ts';

/** How long after its signal fired a task may end before its worker takes no new tasks. */
const STALE_MS = 100;
/** Workers dying before they are ready, in a row, that make the pool give up. */
const MAX_START_FAILURES = 3;

export class Pool {
  readonly #name: string;
  readonly #runtime: Runtime;
  readonly #o: CompiledParallelOptions;
  readonly #entry: URL;
  readonly #conns: Connection[] = [];
  readonly #calls = new Map<number, Call>();
  readonly #bySignal = new WeakMap<AbortSignal, Set<Call>>();
  readonly #moduleIds = new Map<string, number>();
  readonly #sourceIds = new WeakMap<ResourceSource, number>();
  #nextSource = 1;
  #nextKey = 1;
  #nextWorker = 1;
  #startFailures = 0;
  /** Why no task can run any more (workers refuse, or cannot start). */
  #broken: Error | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(name: string, runtime: Runtime, options: CompiledParallelOptions, entry: URL) {
    this.#name = name;
    this.#runtime = runtime;
    this.#o = options;
    this.#entry = entry;
  }

  run(inv: Invocation, signal: AbortSignal): Promise<unknown> {
    if (this.#closed) return Promise.reject(new PoolClosedError(this.#name, describe(inv)));
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    let moduleId: number;
    let conn: Connection;
    try {
      moduleId = this.#moduleId(inv);
      conn = this.#place();
    } catch (error) {
      return Promise.reject(error);
    }
    const key = this.#nextKey++;
    return new Promise((resolve, reject) => {
      const call: Call = {
        key,
        inv,
        conn,
        resolve,
        reject,
        watched: undefined,
        waits: 0,
        aborted: false,
        killTimer: undefined,
        stale: false,
        children: undefined,
        partial: undefined,
      };
      this.#calls.set(key, call);
      conn.add(call);
      if (!conn.modules.has(moduleId)) {
        conn.modules.add(moduleId);
        const url = inv.task.options.module!;
        conn.push({ t: 'module', m: moduleId, url, hash: coordinatorHash(url) });
      }
      const declared = inv.task.options.resources;
      const source = declared.length > 0 ? inv.resourceSource : undefined;
      const sourceId = source === undefined ? undefined : this.#sourceId(source);
      if (sourceId !== undefined && !conn.sources.has(sourceId)) {
        conn.sources.add(sourceId);
        conn.push({ t: 'resources', s: sourceId, source: source! });
      }
      conn.push({
        t: 'run',
        k: key,
        m: moduleId,
        n: inv.task.name,
        a: inv.args,
        r: inv.runId,
        i: inv.taskId,
        at: inv.attempt,
        l: inv.label,
        ...(sourceId === undefined ? {} : { res: declared, s: sourceId }),
      });
      this.#watch(call, signal);
    });
  }

  /** A number for a resource source, the same for every task of a run. */
  #sourceId(source: ResourceSource): number {
    let id = this.#sourceIds.get(source);
    if (id === undefined) {
      id = this.#nextSource++;
      this.#sourceIds.set(source, id);
    }
    return id;
  }

  /**
   * Starts workers up to `max` and resolves once all are ready (their setup
   * and preloads done); rejects when they cannot start.
   */
  async ready(): Promise<void> {
    if (this.#closed) throw new PoolClosedError(this.#name, '(none)');
    while (this.#conns.length < this.#o.max) this.#spawn();
    await Promise.all(this.#conns.map((c) => Promise.race([c.readied, c.exited])));
    if (this.#broken !== undefined) throw this.#broken;
  }

  /** Closes the pool; idempotent, and done in bounded time. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    for (const call of [...this.#calls.values()]) {
      this.#end(call);
      call.reject(new PoolClosedError(this.#name, describe(call.inv)));
    }
    const conns = [...this.#conns];
    for (const conn of conns) {
      conn.handle.keepAlive(true); // until it has exited
      conn.push({ t: 'close' });
    }
    const all = Promise.all(conns.map((c) => c.exited));
    if (!(await settlesWithin(all, this.#o.closeGraceMs))) {
      for (const conn of conns) if (!conn.gone) conn.handle.kill('the pool closed');
      await settlesWithin(all, this.#o.terminateGraceMs + 1000);
    }
  }

  #moduleId(inv: Invocation): number {
    const url = importableModule(inv.task);
    let id = this.#moduleIds.get(url);
    if (id === undefined) {
      id = this.#moduleIds.size;
      this.#moduleIds.set(url, id);
    }
    return id;
  }

  #place(): Connection {
    let best: Connection | undefined;
    let usable = 0;
    for (const conn of this.#conns) {
      if (conn.stale > 0) continue;
      usable++;
      if (best === undefined || conn.active < best.active) best = conn;
    }
    if ((best === undefined || best.active > 0) && usable < this.#o.max) return this.#spawn();
    return best ?? this.#spawn();
  }

  #spawn(): Connection {
    const id = this.#nextWorker++;
    const label = `${this.#runtime.kind} #${id}`;
    const conn: Connection = new Connection(id, label, (message, error) =>
      this.#unsendable(conn, message, error),
    );
    try {
      conn.handle = this.#runtime.spawn(
        {
          entry: this.#entry,
          init: {
            workerId: id,
            label,
            version: this.#o.version,
            setup: this.#o.setup,
            preload: this.#o.preload,
          },
          memoryLimitMb: this.#o.memoryLimitMb,
          execArgv: this.#o.execArgv,
          terminateGraceMs: this.#o.terminateGraceMs,
        },
        {
          message: (batch) => this.#receive(conn, batch),
          output: (stream, text) => this.#output(conn, -1, stream, text),
          exit: (death) => this.#exited(conn, death),
        },
      );
    } catch (cause) {
      throw new WorkerStartError(label, 'could not be spawned', { cause });
    }
    this.#conns.push(conn); // kept alive while it starts

    return conn;
  }

  #receive(conn: Connection, batch: readonly FromWorker[]): void {
    for (const m of batch) {
      switch (m.t) {
        case 'done': {
          const call = this.#calls.get(m.k);
          if (call === undefined) break;
          this.#end(call);
          if (m.ok) call.resolve(m.v);
          else call.reject(m.e === undefined ? m.x : deserializeError(m.e));
          break;
        }
        case 'log':
          this.#calls.get(m.k)?.inv.log[m.level](m.msg, m.fields);
          break;
        case 'out':
          this.#output(conn, m.k, m.s, m.text);
          break;
        case 'submit':
          submitFromWorker(conn, this.#calls.get(m.k), m);
          break;
        case 'wait':
          waitFromWorker(conn, m.k < 0 ? undefined : this.#calls.get(m.k), m);
          break;
        case 'cancel': {
          const node = conn.nodes.get(m.f);
          node?.graph.cancel(node.id);
          break;
        }
        case 'ready':
          conn.ready = true;
          conn.markReady();
          if (conn.calls.size === 0) conn.handle.keepAlive(false);
          this.#startFailures = 0;
          break;
        case 'refused':
          this.#fail(conn, new WorkerMismatchError(conn.label, this.#o.version, m.version));
          break;
        case 'setup-failed':
          this.#fail(
            conn,
            new WorkerStartError(conn.label, `failed in its workerSetup module: ${m.e.message}`, {
              cause: deserializeError(m.e),
            }),
          );
          break;
        case 'fatal':
          conn.fatal = m.e.message;
          break;
      }
    }
  }

  /** The pool cannot run anything: fails what runs on `conn`, and every later task, with `error`. */
  #fail(conn: Connection, error: Error): void {
    this.#broken ??= error;
    for (const call of [...conn.calls.values()]) {
      this.#end(call);
      call.reject(error);
    }
  }

  /** Output of task `k` (-1: not known) goes to it; else to the oldest task on the worker. */
  #output(conn: Connection, k: number, stream: 1 | 2, text: string): void {
    const call = k >= 0 ? this.#calls.get(k) : conn.oldest();
    if (call !== undefined) writeOutput(call, stream, text);
  }

  #exited(conn: Connection, reported: WorkerDeath): void {
    conn.gone = true;
    const i = this.#conns.indexOf(conn);
    if (i >= 0) this.#conns.splice(i, 1);
    const death: WorkerDeath =
      conn.fatal !== undefined && reported.kind === 'exit'
        ? { kind: 'uncaught', message: conn.fatal }
        : reported;
    if (!conn.ready && !this.#closed && death.kind !== 'stopped') {
      if (++this.#startFailures >= MAX_START_FAILURES) {
        this.#broken ??= new WorkerStartError(conn.label, describeDeath(death));
      }
    }
    for (const call of [...conn.calls.values()]) {
      this.#end(call);
      call.reject(new WorkerDiedError(describe(call.inv), conn.label, death));
    }
    conn.markExited();
  }

  /** A message that could not be serialized: fails the task it belongs to. */
  #unsendable(conn: Connection, message: ToWorker, error: unknown): void {
    if (message.t === 'run') {
      const call = this.#calls.get(message.k);
      if (call === undefined) return;
      this.#end(call);
      const bad = findUnserializable(message.a, 'args');
      call.reject(
        bad === undefined
          ? error
          : new UnserializableValueError(describe(call.inv), bad.path, bad.what),
      );
    } else if (message.t === 'settle') {
      conn.push({ ...message, ok: false, v: undefined, e: serializeError(error) });
    }
  }

  #watch(call: Call, signal: AbortSignal): void {
    if (signal.aborted) {
      this.#abort(call, signal.reason);
      return;
    }
    let calls = this.#bySignal.get(signal);
    if (calls === undefined) {
      const set = new Set<Call>();
      calls = set;
      this.#bySignal.set(signal, set);
      signal.addEventListener(
        'abort',
        () => {
          for (const c of set) this.#abort(c, signal.reason);
          set.clear();
        },
        { once: true },
      );
    }
    calls.add(call);
    call.watched = calls;
  }

  #abort(call: Call, reason: unknown): void {
    if (call.aborted || !this.#calls.has(call.key)) return;
    call.aborted = true;
    const conn = call.conn;
    conn.push({ t: 'abort', k: call.key, reason: serializeError(reason) });
    const grace = this.#o.killGraceMs;
    // A task that heeds its signal ends within milliseconds, and its worker
    // takes new tasks meanwhile; one still running after STALE_MS takes no
    // new tasks, and is stopped (and replaced) when its grace is over.
    const stale = Math.min(STALE_MS, grace);
    call.killTimer = setTimeout(() => {
      if (!this.#calls.has(call.key) || conn.gone) return;
      call.stale = true;
      conn.stale++;
      call.killTimer = setTimeout(() => {
        if (this.#calls.has(call.key) && !conn.gone) {
          conn.handle.kill(`task ${describe(call.inv)} ran on ${grace} ms after its signal fired`);
        }
      }, grace - stale);
    }, stale);
  }

  /** Forgets a call that ended (its outcome is settled by the caller). */
  #end(call: Call): void {
    if (!this.#calls.delete(call.key)) return;
    clearTimeout(call.killTimer);
    call.watched?.delete(call);
    flushOutput(call);
    call.conn.remove(call);
  }
}

function describe(inv: Invocation): string {
  return `${formatTask({ id: inv.taskId, name: inv.name, label: inv.label })} (attempt ${inv.attempt})`;
}

/** True when `promise` settled within `ms`. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
