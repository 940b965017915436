/**
 * @module
 * A resource scope: creates a set's resources lazily (only those asked
 * for), each at most once, dependencies first; disposes them in reverse
 * order of creation when the scope ends, whatever the run's outcome.
 */

import { serializeError } from '../errors/base.ts';
import {
  MissingResourceError,
  ResourceCreateError,
  ResourceDisposeTimeoutError,
} from '../errors/resources.ts';
import type { Logger } from '../vocabulary/logger.ts';
import { isDisposing, type ResourceContext } from './resource.ts';
import { creationOrder, type ResourceSet } from './resource-set.ts';
import { validateConfig } from './schema.ts';

export interface ScopeOptions {
  readonly set: ResourceSet;
  /** Raw config by resource name (validated by `validateAll`). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly runId: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly log: Logger;
  /** How long one disposer may take before it is given up on. @default 10000 */
  readonly disposeTimeoutMs?: number;
}

interface Created {
  readonly name: string;
  readonly dispose: (() => void | Promise<void>) | undefined;
}

export class ResourceScope implements AsyncDisposable {
  readonly #options: ScopeOptions;
  readonly #controller = new AbortController();
  readonly #validated = new Map<string, unknown>();
  readonly #pending = new Map<string, Promise<unknown>>();
  readonly #values = new Map<string, unknown>();
  readonly #created: Created[] = [];
  #disposed = false;

  constructor(options: ScopeOptions) {
    this.#options = options;
  }

  get names(): string[] {
    return Object.keys(this.#options.set.definitions);
  }

  has(name: string): boolean {
    return this.#options.set.definitions[name] !== undefined;
  }

  definition(name: string) {
    return this.#options.set.definitions[name];
  }

  /**
   * Checks the whole set before anything runs: every dependency present, no
   * cycle, every config valid against its schema.
   */
  async validateAll(): Promise<void> {
    const defs = this.#options.set.definitions;
    creationOrder(defs, this.names, (name, neededBy) => {
      throw new MissingResourceError(name, neededBy, this.names);
    });
    for (const [name, def] of Object.entries(defs)) {
      this.#validated.set(name, await validateConfig(def.config, this.#options.config[name], name));
    }
  }

  /** Creates `names` (and what they depend on) if not yet created; returns their values. */
  async ensure(names: readonly string[]): Promise<Record<string, unknown>> {
    const order = creationOrder(this.#options.set.definitions, names, (name, neededBy) => {
      throw new MissingResourceError(name, neededBy, this.names);
    });
    for (const name of order) await this.#create(name);
    const out: Record<string, unknown> = {};
    for (const name of names) out[name] = this.#values.get(name);
    return out;
  }

  /** The validated config of a resource (after `validateAll`). */
  configOf(name: string): unknown {
    return this.#validated.get(name);
  }

  /** The value of a resource already created. */
  get(name: string): unknown {
    return this.#values.get(name);
  }

  #create(name: string): Promise<unknown> {
    let pending = this.#pending.get(name);
    if (pending === undefined) {
      pending = this.#build(name);
      this.#pending.set(name, pending);
      // A failed creation is not cached: a later task may try again.
      pending.catch(() => this.#pending.delete(name));
    }
    return pending;
  }

  async #build(name: string): Promise<unknown> {
    const def = this.#options.set.definitions[name];
    if (def === undefined) throw new MissingResourceError(name, 'the run', this.names);
    const deps: Record<string, unknown> = {};
    for (const dep of def.dependsOn) deps[dep] = this.#values.get(dep);
    const ctx: ResourceContext<unknown, string> = {
      config: this.#validated.has(name)
        ? this.#validated.get(name)
        : await validateConfig(def.config, this.#options.config[name], name),
      resources: deps,
      runId: this.#options.runId,
      params: this.#options.params,
      log: this.#options.log.child({ resource: name }),
      signal: this.#controller.signal,
    };
    let made: unknown;
    try {
      made = await def.create(ctx);
    } catch (error) {
      throw new ResourceCreateError(name, error);
    }
    const value = isDisposing(made) ? made.value : made;
    const dispose = isDisposing(made) ? made.dispose : disposerOf(value);
    this.#values.set(name, value);
    this.#created.push({ name, dispose });
    return value;
  }

  /**
   * Disposes every created resource, last created first. Errors and
   * disposers that take too long are logged, not thrown: the run's outcome
   * stands. Idempotent.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#controller.abort();
    const timeoutMs = this.#options.disposeTimeoutMs ?? 10_000;
    // A create still running may yet add something to dispose: wait for it, within bounds.
    try {
      await withTimeout(
        Promise.allSettled(this.#pending.values()),
        timeoutMs,
        'resources being created',
      );
    } catch (error) {
      this.#options.log.error('gave up waiting for resources being created', {
        error: serializeError(error),
      });
    }
    for (const { name, dispose } of this.#created.reverse()) {
      if (dispose === undefined) continue;
      try {
        await withTimeout(Promise.resolve().then(dispose), timeoutMs, name);
      } catch (error) {
        this.#options.log.error(`resource "${name}" could not be disposed`, {
          error: serializeError(error),
        });
      }
    }
  }
}

function disposerOf(value: unknown): (() => Promise<void> | void) | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const asyncDispose = (value as Partial<AsyncDisposable>)[Symbol.asyncDispose];
  if (typeof asyncDispose === 'function') return async () => asyncDispose.call(value);
  const dispose = (value as Partial<Disposable>)[Symbol.dispose];
  if (typeof dispose === 'function') return () => dispose.call(value);
  return undefined;
}

function withTimeout(p: Promise<unknown>, ms: number, name: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new ResourceDisposeTimeoutError(name, ms)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
