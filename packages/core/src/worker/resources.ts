/**
 * @module
 * Resources inside a worker: the resources a task declares are rebuilt here
 * from the run's mode (its configuration file), once per worker, and
 * disposed when the worker closes.
 */

import { loadConfigFile, selectMode } from '../config/load-config.ts';
import { InternalError } from '../errors/run.ts';
import { ResourceScope } from '../resources/scope.ts';
import type { ResourceSource } from '../resources/source.ts';
import type { Logger } from '../vocabulary/logger.ts';

export class WorkerResources {
  readonly #sources = new Map<number, ResourceSource>();
  readonly #scopes = new Map<number, Promise<ResourceScope>>();

  add(id: number, source: ResourceSource): void {
    this.#sources.set(id, source);
  }

  /** The values of `names` from source `id`, creating what is not created yet. */
  async values(
    id: number,
    names: readonly string[],
    log: Logger,
  ): Promise<Record<string, unknown>> {
    let scope = this.#scopes.get(id);
    if (scope === undefined) {
      scope = this.#open(id, log);
      this.#scopes.set(id, scope);
      scope.catch(() => this.#scopes.delete(id));
    }
    return (await scope).ensure(names);
  }

  async #open(id: number, log: Logger): Promise<ResourceScope> {
    const source = this.#sources.get(id);
    if (source === undefined) throw new InternalError(`resource source ${id} was never sent`);
    const file = await loadConfigFile(source.configFile);
    const { set } = selectMode(file, source.configFile, source.mode);
    return new ResourceScope({
      set,
      config: source.config,
      runId: source.runId,
      params: source.params,
      log,
    });
  }

  /** Disposes every resource made here, last made first. */
  async close(): Promise<void> {
    const scopes = await Promise.allSettled(this.#scopes.values());
    for (const s of scopes.reverse())
      if (s.status === 'fulfilled') await s.value[Symbol.asyncDispose]();
  }
}
