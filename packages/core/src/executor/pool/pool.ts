import {
  describeDeath,
  PoolClosedError,
  type WorkerDeath,
  WorkerDiedError,
  WorkerStartError,
} from '../../errors/worker.ts';
import type { ResourceSource } from '../../resources/source.ts';
import type { Invocation } from '../executor.ts';
import { Aborts, describeCall } from './aborts.ts';
import { type Call, Connection } from './connection.ts';
import { coordinatorHash, importableModule } from './modules.ts';
import type { CompiledParallelOptions } from './options.ts';
import { flushOutput, writeOutput } from './output.ts';
import type { FromWorker } from './protocol.ts';
import { type Inbox, receive } from './receive.ts';
import type { Runtime } from './runtime.ts';
import { unsendable } from './unsendable.ts';

/** Workers dying before they are ready, in a row, that make the pool give up. */
const MAX_START_FAILURES = 3;
/** How often one attempt is run again because its worker was stopped for another's fault. */
const MAX_RERUNS = 3;

export class Pool {
  readonly #name: string;
  readonly #runtime: Runtime;
  readonly #o: CompiledParallelOptions;
  readonly #entry: URL;
  readonly #conns: Connection[] = [];
  readonly #calls = new Map<number, Call>();
  /** Calls waiting for a worker that takes tasks (every one is stopping an attempt). */
  readonly #pending: Call[] = [];
  readonly #aborts: Aborts;
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
    this.#aborts = new Aborts(
      options.killGraceMs,
      (call) => this.#calls.has(call.key),
      (call, reason) => {
        this.#end(call);
        call.reject(reason);
      },
    );
  }

  run(inv: Invocation, signal: AbortSignal): Promise<unknown> {
    if (this.#closed) return Promise.reject(new PoolClosedError(this.#name, describeCall(inv)));
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    let moduleId: number;
    try {
      moduleId = this.#moduleId(inv);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = this.#nextKey++;
    return new Promise((resolve, reject) => {
      const call: Call = {
        key,
        inv,
        conn: undefined,
        module: moduleId,
        resolve,
        reject,
        watched: undefined,
        waits: 0,
        aborted: false,
        killTimer: undefined,
        rerun: 0,
        children: undefined,
        partial: undefined,
      };
      this.#calls.set(key, call);
      try {
        this.#dispatch(call);
      } catch (error) {
        this.#end(call);
        reject(error);
        return;
      }
      this.#aborts.watch(call, signal);
    });
  }

  /** Sends a call to a worker that takes tasks, or queues it until one does. */
  #dispatch(call: Call): void {
    const conn = this.#place();
    if (conn === undefined) {
      this.#pending.push(call);
      return;
    }
    call.conn = conn;
    conn.add(call);
    call.inv.placed?.(
      conn.handle.pid === undefined ? conn.label : `${conn.label} (pid ${conn.handle.pid})`,
    );
    const inv = call.inv;
    if (!conn.modules.has(call.module)) {
      conn.modules.add(call.module);
      const url = inv.task.options.module!;
      conn.push({ t: 'module', m: call.module, url, hash: coordinatorHash(url) });
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
      k: call.key,
      m: call.module,
      n: inv.task.name,
      a: inv.args,
      r: inv.runId,
      i: inv.taskId,
      at: inv.attempt,
      l: inv.label,
      ...(sourceId === undefined ? {} : { res: declared, s: sourceId }),
    });
  }

  /** Dispatches queued calls while workers take them. */
  #drainPending(): void {
    while (this.#pending.length > 0 && !this.#closed) {
      const conn = this.#place();
      if (conn === undefined) return;
      const call = this.#pending.shift()!;
      if (!this.#calls.has(call.key)) continue;
      try {
        this.#dispatch(call);
      } catch (error) {
        this.#end(call);
        call.reject(error);
      }
    }
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
      call.reject(new PoolClosedError(this.#name, describeCall(call.inv)));
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

  /**
   * The worker for the next attempt: an idle one, else a new one while fewer
   * than `max` are alive, else the least busy; none while every worker is
   * stopping an attempt that ignores its signal.
   */
  #place(): Connection | undefined {
    let best: Connection | undefined;
    for (const conn of this.#conns) {
      if (conn.aborting > 0 || conn.gone) continue;
      if (best === undefined || conn.active < best.active) best = conn;
    }
    if ((best === undefined || best.active > 0) && this.#conns.length < this.#o.max) {
      return this.#spawn();
    }
    return best;
  }

  #spawn(): Connection {
    const id = this.#nextWorker++;
    const label = `${this.#runtime.kind} #${id}`;
    const conn: Connection = new Connection(id, label, (message, error) =>
      unsendable(this.#calls, conn, message, error, (call) => this.#end(call)),
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
    receive(this.#inbox, conn, batch);
  }

  /** What the message handler (`receive.ts`) needs of the pool. */
  readonly #inbox: Inbox = {
    calls: this.#calls,
    version: () => this.#o.version,
    end: (call) => this.#end(call),
    output: (conn, k, stream, text) => this.#output(conn, k, stream, text),
    fail: (conn, error) => this.#fail(conn, error),
    ready: () => {
      this.#startFailures = 0;
    },
  };

  /** The pool cannot run anything: fails what runs on `conn`, and every later task, with `error`. */
  #fail(conn: Connection, error: Error): void {
    this.#broken ??= error;
    for (const call of [...conn.calls.values(), ...this.#pending.splice(0)]) {
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
      const innocent =
        death.kind === 'stopped' &&
        conn.stoppedFor !== undefined &&
        !call.aborted &&
        call.rerun < MAX_RERUNS &&
        !this.#closed &&
        this.#broken === undefined;
      if (innocent) this.#rerun(call, conn);
      else {
        this.#end(call);
        call.reject(new WorkerDiedError(describeCall(call.inv), conn.label, death));
      }
    }
    conn.markExited();
    this.#drainPending();
  }

  /** Runs again, on another worker, a call whose worker was stopped for another call's fault. */
  #rerun(call: Call, conn: Connection): void {
    flushOutput(call);
    conn.remove(call);
    call.rerun++;
    call.waits = 0;
    call.children = undefined;
    call.inv.log.warn(
      `its worker (${conn.label}) was stopped for another task's fault (${conn.stoppedFor}); running it again on another worker`,
    );
    try {
      this.#dispatch(call);
    } catch (error) {
      this.#end(call);
      call.reject(error);
    }
  }

  /** Forgets a call that ended (its outcome is settled by the caller). */
  #end(call: Call): void {
    if (!this.#calls.delete(call.key)) return;
    this.#aborts.forget(call);
    flushOutput(call);
    const pending = this.#pending.indexOf(call);
    if (pending >= 0) this.#pending.splice(pending, 1);
    if (call.conn !== undefined) {
      const wasAborting = call.aborted;
      call.conn.remove(call);
      // A worker that was stopping this call takes tasks again.
      if (wasAborting && call.conn.aborting === 0) this.#drainPending();
    }
  }
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
