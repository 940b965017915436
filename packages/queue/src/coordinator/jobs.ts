/**
 * @module
 * The job of one placement of an attempt: what a worker needs to run it,
 * with paths relative to the project root (the worker resolves them in its
 * own copy of the project). The resources a task declares are rebuilt on
 * the worker from the run's mode; the executor's own config is left out of
 * what travels (workers never build the executor, and it names Redis).
 */
import type { ResourceSource } from '@weft/core/executor';
import { insideRoot } from '../common/root.ts';
import type { JobPayload } from '../common/wire.ts';
import type { QueueCall, WorkerView } from './state.ts';

export class JobBuilder {
  readonly #version: string;
  readonly #session: string;
  readonly #root: string;
  readonly #sources = new WeakMap<
    ResourceSource,
    { readonly id: number; readonly source: ResourceSource }
  >();
  #nextSource = 1;

  constructor(version: string, session: string, root: string) {
    this.#version = version;
    this.#session = session;
    this.#root = root;
  }

  /** The job of `call`'s current placement on `view`. */
  payload(call: QueueCall, view: WorkerView): JobPayload {
    const inv = call.inv;
    const declared = inv.task.options.resources;
    const source = declared.length > 0 ? inv.resourceSource : undefined;
    const payload = {
      v: this.#version,
      s: this.#session,
      r: inv.runId,
      w: view.id,
      k: call.key,
      mod: call.mod,
      h: call.graphId,
      ...(view.graphs.has(call.graphId) ? {} : { t: call.graph }),
      n: inv.task.name,
      a: inv.args,
      i: inv.taskId,
      at: inv.attempt,
      l: inv.label,
      q: call.requirements,
      ...(source === undefined ? {} : { res: declared, src: this.#source(source) }),
    };
    view.graphs.add(call.graphId);
    return payload;
  }

  /** The source as it travels, numbered once per run (the worker builds each once). */
  #source(source: ResourceSource): { readonly id: number; readonly source: ResourceSource } {
    let sent = this.#sources.get(source);
    if (sent === undefined) {
      const { executor: _executor, ...config } = source.config;
      sent = {
        id: this.#nextSource++,
        source: {
          ...source,
          configFile: insideRoot(this.#root, source.configFile) ?? source.configFile,
          config,
        },
      };
      this.#sources.set(source, sent);
    }
    return sent;
  }
}
