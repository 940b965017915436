/**
 * @module
 * The worker's side of the protocol: runs the tasks the coordinator sends,
 * several at once when they wait (on I/O, on children), each inside its
 * own submit scope so that `submit` and `await` in the task go to the
 * coordinator; sends results, logs and output back in batches, once per
 * turn of the event loop.
 */

import { describeValue, serializeError } from '../errors/base.ts';
import { deserializeError } from '../errors/deserialize.ts';
import { InvalidArgumentError, InvalidOptionError, NotATaskError } from '../errors/run.ts';
import { UnserializableValueError } from '../errors/worker.ts';
import type { FromWorker, FuturePath, ToWorker, WorkerInit } from '../executor/pool/protocol.ts';
import { findUnserializable } from '../executor/pool/serializable.ts';
import type { LogFields, LogRecord } from '../vocabulary/logger.ts';
import { isNodeOutput, NODE_OUTPUT, type NodeOutput, type NodeSpec } from '../vocabulary/node.ts';
import { submitScope } from '../vocabulary/scope.ts';
import { isTask } from '../vocabulary/task.ts';
import { weftVersion } from '../vocabulary/version.ts';
import { findTask, type LoadedModule, loadModule } from './loader.ts';
import { WorkerNodes } from './nodes.ts';
import { WorkerResources } from './resources.ts';
import { type RunLink, TaskRun } from './task-run.ts';

/** How a worker talks to its coordinator. */
export interface Channel {
  /** Sends a batch (copied); throws synchronously when a value cannot be serialized. */
  send(batch: FromWorker[]): void;
  /** Sends a last batch, then ends the worker. */
  exit(code: number, last?: FromWorker[]): void;
}

interface ModuleSlot {
  readonly url: string;
  readonly hash: string;
  loaded: LoadedModule | undefined;
  loading: Promise<LoadedModule> | undefined;
}

type RunMessage = Extract<ToWorker, { t: 'run' }>;

export class WorkerHost implements RunLink {
  readonly #channel: Channel;
  readonly #init: WorkerInit;
  readonly #modules = new Map<number, ModuleSlot>();
  readonly #running = new Map<number, TaskRun>();
  /** The nodes the tasks running here submitted, by key. */
  readonly nodes = new WorkerNodes();
  #outbox: FromWorker[] = [];
  #scheduled = false;
  #setup: unknown;
  readonly #resources = new WorkerResources();
  /** Messages that came before the worker was ready. */
  #early: ToWorker[] | undefined = [];

  constructor(init: WorkerInit, channel: Channel) {
    this.#init = init;
    this.#channel = channel;
  }

  /** Checks the version, runs the setup hook, and says ready (or why not). */
  async start(): Promise<void> {
    if (this.#init.version !== weftVersion()) {
      this.#channel.exit(1, [{ t: 'refused', version: weftVersion() }]);
      return;
    }
    if (this.#init.setup !== undefined) {
      try {
        const setup = ((await import(this.#init.setup)) as { default?: unknown }).default;
        if (typeof setup !== 'function') {
          throw new InvalidOptionError(
            `the workerSetup module ${this.#init.setup} has no default export function`,
          );
        }
        this.#setup = await setup({ workerId: this.#init.workerId });
      } catch (error) {
        this.#channel.exit(1, [{ t: 'setup-failed', e: serializeError(error) }]);
        return;
      }
    }
    for (const module of this.#init.preload) {
      try {
        await import(module);
      } catch {
        // A task of that module reports it, with the module's error.
      }
    }
    this.#channel.send([{ t: 'ready' }]);
    const early = this.#early!;
    this.#early = undefined;
    this.receive(early);
  }

  receive(batch: readonly ToWorker[]): void {
    if (this.#early !== undefined) {
      this.#early.push(...batch);
      return;
    }
    for (const m of batch) {
      switch (m.t) {
        case 'run':
          this.#run(m);
          break;
        case 'abort':
          this.#running.get(m.k)?.abort(deserializeError(m.reason));
          break;
        case 'ack':
          this.nodes.ack(m.f, m.id, m.state, m.e === undefined ? undefined : deserializeError(m.e));
          break;
        case 'settle':
          this.nodes.settle(m.f, m.ok, m.ok ? m.v : deserializeError(m.e!), m.state);
          break;
        case 'resources':
          this.#resources.add(m.s, m.source);
          break;
        case 'module':
          this.#modules.set(m.m, {
            url: m.url,
            hash: m.hash,
            loaded: undefined,
            loading: undefined,
          });
          break;
        case 'close':
          void this.#close();
          break;
      }
    }
  }

  /** Reports an error no task caught, then ends the worker. */
  fatal(error: unknown): void {
    this.#flush();
    this.#channel.exit(1, [{ t: 'fatal', e: serializeError(error) }]);
  }

  /** Output written outside a task (-1) or by the task whose context wrote it. */
  output(stream: 1 | 2, text: string): void {
    const k = this.#current()?.k ?? -1;
    const last = this.#outbox[this.#outbox.length - 1];
    if (last?.t === 'out' && last.k === k && last.s === stream) {
      this.#outbox[this.#outbox.length - 1] = { ...last, text: last.text + text };
      return;
    }
    this.#push({ t: 'out', k, s: stream, text });
  }

  // ---- RunLink: what a task's ctx and graph call ----

  submit(run: TaskRun, spec: NodeSpec): number {
    let task = spec.task;
    if (!isTask(task)) {
      throw new NotATaskError(
        `submit() expects a task made with task(), got ${describeValue(task)}`,
      );
    }
    if (spec.options !== undefined) task = task.with(spec.options);
    if (spec.label !== undefined) task = task.with({ label: spec.label });
    const fp: FuturePath[] = [];
    let foreign: string | undefined;
    const bad = findUnserializable(spec.args, 'args', {
      isFuture: isNodeOutput,
      onFuture: (path, output) => {
        const o = output as NodeOutput;
        if (!(o[NODE_OUTPUT] instanceof TaskRun) || o[NODE_OUTPUT].runId !== run.runId) {
          foreign ??= o[NODE_OUTPUT].runId;
        }
        fp.push({ path, f: o.ref });
      },
    });
    if (bad !== undefined) throw new UnserializableValueError(task.name, bad.path, bad.what);
    if (foreign !== undefined) {
      throw new InvalidArgumentError(
        task.name,
        'args',
        `task ${task.name}: an argument is a future of run ${foreign}, not of this run (${run.runId}); ` +
          'pass its value (await it) instead',
      );
    }
    const after = spec.after === undefined || spec.after.length === 0 ? undefined : [...spec.after];
    const f = this.nodes.create(task.name, task.label);
    this.#push({
      t: 'submit',
      k: run.k,
      f,
      o: task.options,
      ...(task.label === undefined ? {} : { l: task.label }),
      a: spec.args,
      fp,
      ...(after === undefined ? {} : { af: after }),
    });
    return f;
  }

  log(run: TaskRun, record: LogRecord): void {
    this.#push({
      t: 'log',
      k: run.k,
      level: record.level,
      msg: record.message,
      fields: sendable(record.fields),
    });
  }

  askWait(key: number, k: number): void {
    this.#push({ t: 'wait', k, f: key });
  }

  askCancel(key: number): void {
    this.#push({ t: 'cancel', f: key });
  }

  // ---- running tasks ----

  #run(m: RunMessage): void {
    const run = new TaskRun(this, m);
    this.#running.set(m.k, run);
    if (m.res !== undefined && m.s !== undefined) {
      // Its resources first, made here from the run's mode, once per worker.
      this.#resources.values(m.s, m.res, run.log).then(
        (values) => {
          run.resources = Object.freeze(values);
          this.#load(run, m);
        },
        (error: unknown) => this.#done(run, false, error),
      );
      return;
    }
    this.#load(run, m);
  }

  #load(run: TaskRun, m: RunMessage): void {
    const slot = this.#modules.get(m.m)!;
    if (slot.loaded !== undefined) {
      this.#invoke(run, slot, m.a);
      return;
    }
    // The first task of a module imports it, in its own scope: what the
    // module prints while it loads is that task's output.
    slot.loading ??= this.#inScope(run, () => loadModule(slot.url, slot.hash));
    slot.loading.then(
      (loaded) => {
        slot.loaded = loaded;
        this.#invoke(run, slot, m.a);
      },
      (error: unknown) => this.#done(run, false, error),
    );
  }

  #invoke(run: TaskRun, slot: ModuleSlot, args: readonly unknown[]): void {
    const task = findTask(slot.loaded!, run.name, slot.url);
    if (task instanceof Error) {
      this.#done(run, false, task);
      return;
    }
    let result: unknown;
    try {
      result = this.#inScope(run, () => task.fn(run, ...args));
    } catch (error) {
      this.#done(run, false, error);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => this.#done(run, true, value),
        (error: unknown) => this.#done(run, false, error),
      );
    } else this.#done(run, true, result);
  }

  /** Runs `fn` in the task's submit scope (one per process, shared by every copy of weft). */
  #inScope<T>(run: TaskRun, fn: () => T): T {
    return submitScope.run(run, fn);
  }

  #done(run: TaskRun, ok: boolean, value: unknown): void {
    if (this.#running.get(run.k) !== run) return;
    if (ok) {
      // A submit the coordinator refuses fails the task unless it looked:
      // wait for the answers to the submits it never awaited.
      const pending = run.children.map((c) => this.nodes.acked(c)).filter((p) => p !== undefined);
      if (pending.length > 0) {
        void Promise.all(pending).then(() => this.#finish(run, ok, value));
        return;
      }
    }
    this.#finish(run, ok, value);
  }

  #finish(run: TaskRun, ok: boolean, value: unknown): void {
    if (this.#running.get(run.k) !== run) return;
    this.#running.delete(run.k);
    for (const child of run.children) {
      const refused = this.nodes.unobservedRefusal(child);
      if (refused !== undefined && ok) {
        ok = false;
        value = refused;
      }
      this.nodes.release(child);
    }
    const k = run.k;
    if (ok) {
      // Copied, never transferred: a buffer in the result may still be the
      // task's (a module-level cache), and would be empty in the worker after.
      const bad = findUnserializable(value, 'result');
      if (bad === undefined) {
        this.#push({ t: 'done', k, ok: true, v: value, e: undefined, x: undefined });
        return;
      }
      value = new UnserializableValueError(run.describe(), bad.path, bad.what);
    }
    if (value instanceof Error) {
      this.#push({ t: 'done', k, ok: false, v: undefined, e: serializeError(value), x: undefined });
    } else {
      const x = findUnserializable(value, 'thrown') === undefined ? value : describeValue(value);
      this.#push({ t: 'done', k, ok: false, v: undefined, e: undefined, x });
    }
  }

  #current(): TaskRun | undefined {
    const scope = submitScope.getStore();
    return scope instanceof TaskRun ? scope : undefined;
  }

  async #close(): Promise<void> {
    const setup = this.#setup as
      | { [Symbol.asyncDispose]?: () => unknown; [Symbol.dispose]?: () => unknown }
      | (() => unknown)
      | undefined;
    try {
      await this.#resources.close();
      if (typeof setup === 'function') await setup();
      else {
        const asyncDispose = setup?.[Symbol.asyncDispose];
        const dispose = setup?.[Symbol.dispose];
        if (typeof asyncDispose === 'function') await asyncDispose.call(setup);
        else if (typeof dispose === 'function') dispose.call(setup);
      }
    } finally {
      this.#flush();
      this.#channel.exit(0);
    }
  }

  // ---- the outbox ----

  #push(message: FromWorker): void {
    this.#outbox.push(message);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // After this turn's microtasks: what finishes together leaves together.
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#outbox;
    if (batch.length === 0) return;
    this.#outbox = [];
    try {
      this.#channel.send(batch);
      return;
    } catch {
      // Sent one by one below: a buffer that cannot move is copied, a value that cannot cross fails its task.
    }
    for (const message of batch) {
      try {
        this.#channel.send([message]);
      } catch (error) {
        this.#sendFailed(message, error);
      }
    }
  }

  #sendFailed(message: FromWorker, error: unknown): void {
    if (message.t === 'done') {
      this.#channel.send([
        { ...message, ok: false, v: undefined, e: serializeError(error), x: undefined },
      ]);
    } else if (message.t === 'submit') {
      this.nodes.ack(message.f, -1, 'failed', error as Error);
    }
  }
}

/** Log fields that can cross; fields that cannot are replaced by their description. */
function sendable(fields: LogFields | undefined): LogFields | undefined {
  if (fields === undefined || findUnserializable(fields, 'fields') === undefined) return fields;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = findUnserializable(value, key) === undefined ? value : describeValue(value);
  }
  return out;
}
