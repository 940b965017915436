/**
 * @module
 * The coordinator's side of the queue: it places each attempt the scheduler
 * hands it on a live worker (`placement.ts`), sends it there as a job, and
 * settles it with what the worker reports (`receive.ts`). It keeps what it
 * handed out until it hears back, so that whatever goes wrong on the way (a
 * worker lost, a worker stopping, Redis losing its data) it can place the
 * attempt again (`recovery.ts`), under a new key: a report about an earlier
 * placement is never taken for the current one, so no attempt is settled twice.
 */
import { serializeError } from '@weft/core';
import { coordinatorHash, type Invocation, importableModule } from '@weft/core/executor';
import type { Redis } from 'ioredis';
import { relativeModule } from '../common/modules.ts';
import type { Wire } from '../common/wire.ts';
import { ModuleOutsideRootError, NoWorkerError, QueueClosedError } from '../errors.ts';
import type { ChildLink } from './children.ts';
import { describeCall } from './describe.ts';
import { JobBuilder } from './jobs.ts';
import type { CompiledQueueOptions } from './options.ts';
import { flushOutput } from './output.ts';
import { type PlacementContext, place } from './placement.ts';
import type { Registry } from './registry.ts';
import type { Session } from './session.ts';
import type { QueueCall, WorkerView } from './state.ts';
import type { Transport } from './transport.ts';
import { Waiting } from './waiting.ts';

/** How many waiting calls one pass over the queue looks at, when the first ones find no room. */
const SCAN = 256;

/** A task module as jobs name it: its path in the root, its import graph and the graph's id. */
export interface ModuleOf {
  readonly mod: string;
  readonly graph: string;
  readonly graphId: string;
}

export interface CoordinatorParts {
  readonly options: CompiledQueueOptions;
  readonly redis: Redis;
  readonly wire: Wire;
  readonly session: Session;
  readonly registry: Registry;
  readonly transport: Transport;
}

export class Coordinator {
  readonly o: CompiledQueueOptions;
  readonly redis: Redis;
  readonly wire: Wire;
  readonly session: Session;
  readonly registry: Registry;
  readonly transport: Transport;
  readonly waiting = new Waiting();
  /** Calls by the key of their current placement. */
  readonly #byKey = new Map<number, QueueCall>();
  /** Every call not settled. */
  readonly open = new Set<QueueCall>();
  readonly #signals = new WeakMap<AbortSignal, Set<QueueCall>>();
  readonly #jobs: JobBuilder;
  /** Task modules by URL. */
  readonly #modules = new Map<string, ModuleOf>();
  readonly #ctx: PlacementContext;
  /** How children of tasks on workers reach the run; see `children.ts`. */
  readonly link: ChildLink;
  #nextKey = 1;
  #drainScheduled = false;
  closed = false;

  constructor(parts: CoordinatorParts) {
    this.o = parts.options;
    this.redis = parts.redis;
    this.wire = parts.wire;
    this.session = parts.session;
    this.registry = parts.registry;
    this.transport = parts.transport;
    this.#jobs = new JobBuilder(this.o.version, this.session.id, this.o.root);
    this.#ctx = {
      keyId: this.wire.keyId,
      version: this.o.version,
      prefetch: this.o.prefetch,
      where: `queue ${this.o.queue} at ${this.o.target.url}`,
    };
    this.link = {
      root: this.o.root,
      send: (view, message) => this.transport.send(view, message),
      // A task waiting on a node holds no room on its worker, which runs other jobs meanwhile.
      waiting: (call, waits) => {
        const view = call.worker;
        if (view === undefined) return;
        if (waits) {
          view.active--;
          this.scheduleDrain();
        } else view.active++;
      },
    };
  }

  /** The module of `inv`'s task relative to the root, and its hash; throws why a worker could not import it. */
  moduleOf(task: Invocation['task']): ModuleOf {
    const url = importableModule(task);
    let known = this.#modules.get(url);
    if (known === undefined) {
      const mod = relativeModule(this.o.root, url);
      if (mod === undefined) throw new ModuleOutsideRootError(task.name, url, this.o.root);
      const graph = coordinatorHash(url);
      // Jobs name the graph by a number of this session's (the first job to a worker carries it).
      known = { mod, graph, graphId: String(this.#modules.size + 1) };
      this.#modules.set(url, known);
    }
    return known;
  }

  run(inv: Invocation, signal: AbortSignal): Promise<unknown> {
    if (this.closed) return Promise.reject(new QueueClosedError(describeCall(inv)));
    let module: ModuleOf;
    try {
      module = this.moduleOf(inv.task);
    } catch (error) {
      return Promise.reject(error);
    }
    this.session.addRun(inv.runId);
    return new Promise((resolve, reject) => {
      const call: QueueCall = {
        inv,
        resolve,
        reject,
        mod: module.mod,
        graph: module.graph,
        graphId: module.graphId,
        requirements: inv.task.options.requirements?.record,
        key: 0,
        worker: undefined,
        waits: 0,
        aborted: false,
        killTimer: undefined,
        lost: 0,
        children: undefined,
        refusals: new Map(),
        waiting: undefined,
        unfitSince: undefined,
        reason: undefined,
        warned: undefined,
        artifact: undefined,
        partial: undefined,
      };
      this.open.add(call);
      this.place(call);
      if (this.open.has(call)) this.#watch(call, signal);
    });
  }

  /** The call placed on `view` under key `k`, if it is still there. */
  callOn(view: WorkerView, k: number): QueueCall | undefined {
    const call = this.#byKey.get(k);
    return call !== undefined && call.worker === view ? call : undefined;
  }

  /** Places a call that is not placed: on a worker, or among the waiting. */
  place(call: QueueCall): void {
    if (this.#try(call) === 'full') this.waiting.push(call);
  }

  /** Places `call` if a worker has room; 'full' when workers fit it but none has room. */
  #try(call: QueueCall): 'done' | 'full' {
    const p = place(call, this.registry.views.values(), this.#ctx);
    switch (p.kind) {
      case 'worker':
        this.#assign(call, p.worker);
        return 'done';
      case 'full':
        return 'full';
      case 'unfit':
        this.waiting.addUnfit(call, p.reason, Date.now());
        return 'done';
      case 'refused':
        this.settle(
          call,
          false,
          new NoWorkerError(describeCall(call.inv), p.reason, { cause: p.cause }),
        );
        return 'done';
    }
  }

  #assign(call: QueueCall, view: WorkerView): void {
    this.waiting.remove(call);
    call.key = this.#nextKey++;
    call.worker = view;
    this.#byKey.set(call.key, call);
    view.calls.set(call.key, call);
    view.active++;
    call.inv.placed?.(view.advert.label);
    this.transport.job(view, call, this.#jobs.payload(call, view));
  }

  /** Takes a call off its worker (it ended there, or goes elsewhere); its key is dead from now on. */
  detach(call: QueueCall): void {
    flushOutput(call);
    const view = call.worker;
    if (view !== undefined) {
      if (view.calls.delete(call.key) && call.waits === 0) view.active--;
      if (call.children !== undefined) for (const f of call.children) view.nodes.delete(f);
      this.scheduleDrain();
    }
    this.#byKey.delete(call.key);
    call.key = 0;
    call.worker = undefined;
    call.waits = 0;
    call.children = undefined;
  }

  /** Places again a call whose placement failed (its worker lost, stopping, or Redis reset). */
  replace(call: QueueCall): void {
    this.detach(call);
    if (call.aborted) {
      // Its signal fired: nothing to run again; the abort's reason settles it.
      this.settle(call, false, call.inv.signal.reason);
      return;
    }
    this.place(call);
  }

  /** Settles a call and forgets it; false when it was settled already. */
  settle(call: QueueCall, ok: boolean, value: unknown): boolean {
    if (!this.open.delete(call)) return false;
    this.detach(call);
    this.waiting.remove(call);
    clearTimeout(call.killTimer);
    this.#signals.get(call.inv.signal)?.delete(call);
    this.wire.forget(call.artifact);
    if (ok) call.resolve(value);
    else call.reject(value);
    return true;
  }

  /** Places waiting calls on workers with room, soon (once per turn). */
  scheduleDrain(): void {
    if (this.#drainScheduled || this.waiting.rooms === 0) return;
    this.#drainScheduled = true;
    queueMicrotask(() => {
      this.#drainScheduled = false;
      this.#drain();
    });
  }

  #drain(): void {
    const kept: QueueCall[] = [];
    let misses = 0;
    for (let call = this.waiting.shift(); call !== undefined; call = this.waiting.shift()) {
      if (!this.open.has(call) || this.#try(call) === 'done') continue;
      kept.push(call);
      if (++misses >= SCAN || !this.#anyRoom()) break;
    }
    if (kept.length > 0) this.waiting.unshift(kept);
  }

  #anyRoom(): boolean {
    for (const view of this.registry.views.values()) {
      if (!view.leaving && view.active < view.limit(this.o.prefetch)) return true;
    }
    return false;
  }

  /** Tries again every call no worker fitted: the workers changed. */
  reconsider(): void {
    for (const call of [...this.waiting.unfit]) {
      this.waiting.remove(call);
      this.place(call);
    }
    this.scheduleDrain();
  }

  /** Aborts `call` when `signal` fires (one listener per signal, however many calls share it). */
  #watch(call: QueueCall, signal: AbortSignal): void {
    if (signal.aborted) {
      this.abort(call, signal.reason);
      return;
    }
    let calls = this.#signals.get(signal);
    if (calls === undefined) {
      const set = new Set<QueueCall>();
      calls = set;
      this.#signals.set(signal, set);
      signal.addEventListener(
        'abort',
        () => {
          for (const c of [...set]) this.abort(c, signal.reason);
          set.clear();
        },
        { once: true },
      );
    }
    calls.add(call);
  }

  /**
   * Its signal fired: a call still waiting is settled with the reason; one
   * on a worker gets the abort there, and is given up after `killGrace`.
   */
  abort(call: QueueCall, reason: unknown): void {
    if (!this.open.has(call) || call.aborted) return;
    const view = call.worker;
    if (view === undefined) {
      this.settle(call, false, reason);
      return;
    }
    call.aborted = true;
    this.transport.send(view, { t: 'abort', k: call.key, reason: serializeError(reason) });
    call.killTimer = setTimeout(() => {
      if (!this.open.has(call)) return;
      call.inv.log.warn(
        `it ran on ${this.o.killGraceMs} ms after its signal fired; the coordinator stopped ` +
          `waiting for it (its worker ${view.advert.label} may still run it; its outcome is ignored)`,
      );
      this.settle(call, false, reason);
    }, this.o.killGraceMs);
  }

  /** Fails the calls that waited for a worker that fits longer than the placement timeout. */
  sweep(): void {
    for (const call of this.waiting.sweep(Date.now(), this.o.placementTimeoutMs)) {
      const why = `${call.reason ?? 'no worker fits it'} (waited ${Math.round(this.o.placementTimeoutMs / 1000)} s)`;
      this.settle(call, false, new NoWorkerError(describeCall(call.inv), why));
    }
  }

  /** Settles every open call with `QueueClosedError`, and tells the workers used that the session ended. */
  closeCalls(): void {
    this.closed = true;
    for (const call of [...this.open]) {
      this.settle(call, false, new QueueClosedError(describeCall(call.inv)));
    }
    for (const view of this.registry.views.values()) {
      if (view.used) this.transport.send(view, { t: 'session-end' });
    }
  }
}
