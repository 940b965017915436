/**
 * @module
 * Dispatch behaviours: the ordered, inspectable chain the scheduler runs
 * around each task it dispatches, shared by every front end. Today the
 * chain has one hook, before a ready task takes a slot, where a behaviour
 * may settle the task without running it (skip if redundant: the cache);
 * retry and timeout join it as hooks around the attempt.
 *
 * Contract:
 * - Behaviours run in the order given, for every ready task, before it takes
 *   an executor slot.
 * - `beforeStart` returns a recorded result to end the task as `cached` with
 *   that value (the behaviours after it do not run), or undefined to go on.
 *   It is synchronous and must not throw; it decides for the task alone.
 * - A chain holds each behaviour name once.
 */
import { InvalidOptionError } from '../errors/run.ts';
import type { RecordedResult } from '../vocabulary/recorded.ts';
import type { Task } from '../vocabulary/task.ts';

export interface DispatchBehaviour {
  /** Its name in the chain, unique there: `cache`, `retry`, ... */
  readonly name: string;
  /** What it was configured with, for inspection. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Called for a ready task (id, definition) before it takes a slot; see the contract. */
  beforeStart?(id: number, task: Task): RecordedResult | undefined;
}

/** A behaviour as `behaviours()` lists it. */
export interface BehaviourInfo {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The chain, checked (each name once) and split by hook for the hot path. */
export class BehaviourChain {
  readonly #all: readonly DispatchBehaviour[];
  /** The behaviours with a `beforeStart` hook, in order. */
  readonly beforeStart: readonly DispatchBehaviour[];

  constructor(behaviours: readonly DispatchBehaviour[]) {
    const names = new Set<string>();
    for (const b of behaviours) {
      if (typeof b?.name !== 'string' || b.name === '') {
        throw new InvalidOptionError('a dispatch behaviour needs a non-empty name');
      }
      if (names.has(b.name)) {
        throw new InvalidOptionError(
          `dispatch behaviour "${b.name}" is in the chain twice; each behaviour can be inserted once`,
        );
      }
      names.add(b.name);
    }
    this.#all = [...behaviours];
    this.beforeStart = this.#all.filter((b) => typeof b.beforeStart === 'function');
  }

  /** The chain in order, with names and options. */
  list(): BehaviourInfo[] {
    return this.#all.map((b) => ({ name: b.name, options: { ...b.options } }));
  }
}
