/**
 * @module
 * Skip if redundant: the run's cache of task results. For a task that asks
 * for caching (`cache: true`), the run computes its cache key when it is
 * ready and, when the run's cache mode reads, looks for a succeeded task
 * with that key in the run store: a hit whose result can still be read ends
 * the task as `cached` with that result. When the mode writes, the key is
 * recorded with the result so later runs find it.
 *
 * Lookups are read in batches: the first lookup that finds no answer read
 * ahead also makes the keys of up to `READ_AHEAD` tasks submitted after it
 * with plain arguments (no futures, no files: their keys are known at
 * submit) and reads them all at once (`findCachedMany`). Their answers are
 * kept until those tasks are looked up; a key recorded meanwhile by this
 * run is not seen by them, which only means running a task again, as a
 * miss always may.
 */

import type { ArtifactStore } from '../store/artifact-store.ts';
import { decodeResult, MISSING } from '../store/result-codec.ts';
import type { CachedEntry, RunStore, StoredResult } from '../store/run-store.ts';
import { hashBytes, hashFileSync, hashValue } from '../util/hash.ts';
import type { RecordedResult } from '../vocabulary/recorded.ts';
import type { Task } from '../vocabulary/task.ts';
import { cacheKey, taskVersion } from './cache-key.ts';

/** Whether a run reads cached results, records its own, both, or neither. */
export type CacheMode = 'off' | 'read' | 'write' | 'readwrite';

export const CACHE_MODES: readonly CacheMode[] = ['off', 'read', 'write', 'readwrite'];

/** What the cache reads of the run. */
export interface CacheHost {
  taskOf(id: number): Task;
  /** The arguments of a ready task, futures replaced by values. */
  argsOf(id: number): readonly unknown[];
  resultOf(id: number): unknown;
  /** The config of a resource, and the names it depends on. */
  resourceConfig(name: string): { readonly config: unknown; readonly dependsOn: readonly string[] };
}

/** How many keys one batched lookup reads ahead. */
const READ_AHEAD = 512;

interface Submission {
  readonly args: string | undefined;
  readonly deps: readonly number[];
}

export class TaskCache {
  readonly reads: boolean;
  readonly writes: boolean;
  readonly #store: RunStore;
  readonly #artifacts: ArtifactStore | undefined;
  readonly #host: CacheHost;
  readonly #submissions = new Map<number, Submission>();
  readonly #keys = new Map<number, string | undefined>();
  readonly #valueKeys = new Map<number, string | undefined>();
  readonly #resourceKeys = new WeakMap<Task, string>();
  readonly #outputs = new Map<number, readonly string[]>();
  /** Results found for cache hits, until the run records them for the task that took them. */
  readonly #hits = new Map<number, StoredResult>();
  /** Tasks submitted with plain arguments, in order, whose keys may be read ahead. */
  readonly #plain: number[] = [];
  #plainNext = 0;
  /** Answers read ahead, by key (null: not found), until their task is looked up. */
  readonly #ahead = new Map<string, CachedEntry | null>();

  constructor(
    mode: CacheMode,
    store: RunStore,
    artifacts: ArtifactStore | undefined,
    host: CacheHost,
  ) {
    this.reads = mode === 'read' || mode === 'readwrite';
    this.writes = mode === 'write' || mode === 'readwrite';
    this.#store = store;
    this.#artifacts = artifacts;
    this.#host = host;
  }

  /** Remembers what a caching task was submitted with. */
  submitted(id: number, args: string | undefined, deps: readonly number[]): void {
    this.#submissions.set(id, { args, deps: [...deps] });
    if (this.reads && deps.length === 0 && args !== undefined) this.#plain.push(id);
  }

  /** Task `id` ends with a recorded result that carries `key` (a resumed run's reuse). */
  recordedKey(id: number, key: string): void {
    this.#keys.set(id, key);
    this.#submissions.delete(id);
  }

  /** The task's cache key, once its inputs have succeeded; undefined when one cannot be made. */
  keyOf(id: number): string | undefined {
    if (this.#keys.has(id)) return this.#keys.get(id);
    const sub = this.#submissions.get(id);
    let key: string | undefined;
    if (sub !== undefined && sub.args !== undefined) {
      const inputs: string[] = [];
      for (const d of sub.deps) {
        const k = this.#inputKey(d);
        if (k === undefined) break;
        inputs.push(k);
      }
      const task = this.#host.taskOf(id);
      const version = taskVersion(task);
      const files = version === undefined ? undefined : this.#fileHashes(id, task);
      if (inputs.length === sub.deps.length && version !== undefined && files !== undefined) {
        key = cacheKey({
          task,
          version,
          inputs,
          args: sub.args,
          resources: this.#resourcesKey(task),
          files,
        });
      }
    }
    this.#keys.set(id, key);
    this.#submissions.delete(id); // the key is all that is needed of it now
    return key;
  }

  /** The files a task declares (commands), or undefined when they make it uncacheable. */
  outputsOf(id: number): readonly string[] | undefined {
    return this.#outputs.get(id);
  }

  /**
   * Content hashes of the task's input files (a command's, or those its
   * `inputs` option names); [] when it declares none; undefined: not cacheable.
   */
  #fileHashes(id: number, task: Task): string[] | undefined {
    const filesOf = task.options.files;
    if (filesOf === undefined) return [];
    const files = filesOf(this.#host.argsOf(id));
    if (files === undefined) return undefined;
    const hashes: string[] = [];
    for (const path of files.inputs) {
      try {
        hashes.push(`${path}:${hashFileSync(path)}`);
      } catch {
        // A missing input: the task runs, uncached, and says what it makes of
        // it (a command fails saying so); caching never changes whether it runs.
        return undefined;
      }
    }
    for (const path of files.outputs) hashes.push(`out:${path}`);
    // Only outputs are checked again on a hit, so a task without any is recorded as a plain value.
    if (files.outputs.length > 0) this.#outputs.set(id, files.outputs);
    return hashes;
  }

  /** A recorded result for the task, when the mode reads and one exists and can be read. */
  lookup(id: number): RecordedResult | undefined {
    // The key is made now, while the task's arguments are at hand, even when only writing.
    const key = this.keyOf(id);
    if (key === undefined || !this.reads) return undefined;
    const found = this.#find(key, id);
    if (found === undefined) return undefined;
    const value = decodeResult(found.result, this.#artifacts);
    if (value === MISSING) return undefined;
    this.#hits.set(id, found.result);
    return { value, from: { runId: found.runId, taskId: found.taskId }, cacheKey: key };
  }

  /** The store's answer for `key` (task `id`'s), read ahead with those of the next plain tasks. */
  #find(key: string, id: number): CachedEntry | undefined {
    const ahead = this.#ahead.get(key);
    if (ahead !== undefined) {
      this.#ahead.delete(key);
      return ahead ?? undefined;
    }
    const keys = [key];
    const plain = this.#plain;
    while (keys.length < READ_AHEAD && this.#plainNext < plain.length) {
      const next = plain[this.#plainNext++]!;
      if (next === id || this.#keys.has(next) || this.#host.taskOf(next).options.files) continue;
      const k = this.keyOf(next);
      if (k !== undefined && !this.#ahead.has(k)) keys.push(k);
    }
    if (this.#plainNext === plain.length) {
      plain.length = 0;
      this.#plainNext = 0;
    }
    if (keys.length === 1) return this.#store.findCached(key);
    const found = this.#store.findCachedMany(keys);
    for (let i = 1; i < keys.length; i++) this.#ahead.set(keys[i]!, found.get(keys[i]!) ?? null);
    return found.get(key);
  }

  /** The stored result a hit took, once (the run records it as this task's result). */
  takeHit(id: number): StoredResult | undefined {
    const hit = this.#hits.get(id);
    this.#hits.delete(id);
    return hit;
  }

  /** An input's key: its cache key when it has one, else a hash of its value. */
  #inputKey(dep: number): string | undefined {
    const own = this.#keys.get(dep);
    if (own !== undefined) return own;
    if (this.#valueKeys.has(dep)) return this.#valueKeys.get(dep);
    const v = hashValue(this.#host.resultOf(dep));
    const key = v === undefined ? undefined : `value:${v}`;
    this.#valueKeys.set(dep, key);
    return key;
  }

  #resourcesKey(task: Task): string {
    const names = task.options.resources;
    if (names.length === 0) return '';
    let key = this.#resourceKeys.get(task);
    if (key === undefined) {
      const seen = new Map<string, unknown>();
      const visit = (name: string): void => {
        if (seen.has(name)) return;
        const { config, dependsOn } = this.#host.resourceConfig(name);
        seen.set(name, config);
        for (const d of dependsOn) visit(d);
      };
      for (const n of names) visit(n);
      const sorted = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      key = hashValue(sorted) ?? hashBytes(Buffer.from(JSON.stringify(sorted)));
      this.#resourceKeys.set(task, key);
    }
    return key;
  }
}
