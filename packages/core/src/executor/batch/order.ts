/**
 * @module
 * The order a batch submitter must be handed tasks in (see
 * `batch-submitter.ts`): each task once, after its prerequisites, nothing
 * after `complete()`. Every submitter checks it the same way with this.
 */
import { BatchOrderError } from '../../errors/batch.ts';
import type { PlannedTask } from '../batch-submitter.ts';

/** `name#id "label"`, as messages name a planned task. */
export function describePlanned(t: PlannedTask): string {
  const name = typeof t?.task?.name === 'string' ? t.task.name : 'task';
  return `${name}#${String(t?.id)}${t?.label === undefined ? '' : ` "${t.label}"`}`;
}

/** The tasks a submitter took so far, and whether the graph is complete. */
export class BatchOrder {
  readonly #added = new Set<number>();
  #complete = false;

  /** How many tasks were added. */
  get size(): number {
    return this.#added.size;
  }

  /** Throws `BatchOrderError` unless `t` may be added now; records nothing. */
  check(t: PlannedTask): void {
    const what = describePlanned(t);
    if (this.#complete) throw new BatchOrderError(what, 'added after complete()');
    if (!Number.isInteger(t?.id) || t.id < 0) {
      throw new BatchOrderError(what, 'its id must be a whole number from 0');
    }
    if (this.#added.has(t.id)) throw new BatchOrderError(what, `id ${t.id} was added already`);
    if (!Array.isArray(t.prerequisites)) {
      throw new BatchOrderError(what, 'its prerequisites must be an array of ids');
    }
    for (const p of t.prerequisites) {
      if (!this.#added.has(p)) {
        throw new BatchOrderError(what, `its prerequisite ${String(p)} was not added before it`);
      }
    }
  }

  /** Checks `t` and records it as added. */
  add(t: PlannedTask): void {
    this.check(t);
    this.#added.add(t.id);
  }

  /** Records the end of the graph; throws `BatchOrderError` the second time. */
  complete(): void {
    if (this.#complete) throw new BatchOrderError('the graph', 'complete() was called twice');
    this.#complete = true;
  }
}
