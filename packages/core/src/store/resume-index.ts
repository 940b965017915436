/**
 * @module
 * Matching a run's submissions against an earlier run's records, for
 * resume and for re-running from a failure. A submission matches a recorded
 * task when it has the same parent (itself matched), the same task name, the
 * same position among that parent's submissions of that name, the same
 * arguments, and inputs that match the recorded task's inputs. This holds
 * for tasks that other tasks submitted, so dynamic graphs resume too. A
 * match that succeeded in the earlier run, with a result that can still be
 * read, gives its result instead of running again.
 */

import type { RecordedResult } from '../vocabulary/recorded.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { decodeResult, MISSING } from './result-codec.ts';
import type { RunStore, StoredResult, TaskRecord } from './run-store.ts';

const ALL = Number.MAX_SAFE_INTEGER;

export class ResumeIndex {
  /** The run whose records are matched. */
  readonly runId: string;
  /** The highest task id recorded (-1 for none). */
  readonly maxId: number;
  readonly #store: RunStore;
  readonly #artifacts: ArtifactStore | undefined;
  readonly #byKey = new Map<string, TaskRecord>();
  /** This run's task id -> the matching recorded id. */
  readonly #oldOf = new Map<number, number>();

  constructor(store: RunStore, runId: string, artifacts: ArtifactStore | undefined) {
    this.runId = runId;
    this.#store = store;
    this.#artifacts = artifacts;
    let maxId = -1;
    for (const t of store.tasks(runId, { limit: ALL })) {
      if (t.id > maxId) maxId = t.id;
      const key = keyOf(t.parentId, t.name, t.ordinal);
      const seen = this.#byKey.get(key);
      // A resumed run records the same submission in each session: the newest wins.
      if (seen === undefined || seen.id < t.id) this.#byKey.set(key, t);
    }
    this.maxId = maxId;
  }

  /** The recorded task this submission matches, if any. */
  match(
    parentId: number,
    name: string,
    ordinal: number,
    argsHash: string | undefined,
    deps: readonly number[],
  ): TaskRecord | undefined {
    if (argsHash === undefined) return undefined;
    const parent = parentId < 0 ? -1 : this.#oldOf.get(parentId);
    if (parent === undefined) return undefined;
    const rec = this.#byKey.get(keyOf(parent, name, ordinal));
    if (rec === undefined || rec.argsHash !== argsHash || rec.deps.length !== deps.length) {
      return undefined;
    }
    for (let i = 0; i < deps.length; i++) {
      if (this.#oldOf.get(deps[i]!) !== rec.deps[i]) return undefined;
    }
    return rec;
  }

  /** Records that task `id` of this run is the recorded task `rec`. */
  bind(id: number, rec: TaskRecord): void {
    this.#oldOf.set(id, rec.id);
  }

  /**
   * The result of a recorded task that succeeded, when it can still be read,
   * and its stored form (recorded again for the task that takes it).
   */
  reuse(rec: TaskRecord): { recorded: RecordedResult; stored: StoredResult } | undefined {
    if ((rec.state !== 'succeeded' && rec.state !== 'cached') || !rec.hasResult) return undefined;
    const stored = this.#store.result(this.runId, rec.id);
    if (stored === undefined) return undefined;
    const value = decodeResult(stored, this.#artifacts);
    if (value === MISSING) return undefined;
    return {
      recorded: { value, from: { runId: this.runId, taskId: rec.id }, cacheKey: rec.cacheKey },
      stored,
    };
  }
}

function keyOf(parent: number, name: string, ordinal: number): string {
  return `${parent}\u0000${ordinal}\u0000${name}`;
}
