/**
 * @module
 * Bookkeeping of what an executor has free. A task takes one slot plus its
 * requirements while it runs; a task whose requirements exceed the
 * executor's whole capacity is refused when it is submitted. An executor may
 * say what a task takes of a resource it does not mention (a worker pool:
 * one cpu), so that no task runs for free.
 */

import { UnsatisfiableRequirementsError } from '../errors/run.ts';
import type { Capacity } from '../executor/executor.ts';
import { type CompiledRequirements, requirementsOf } from '../vocabulary/requirements.ts';

/** The pool a capacity belongs to, for messages: its name and the executor's pools. */
export interface PoolInfo {
  readonly name: string;
  readonly pools: readonly string[];
}

export class CapacityPool {
  readonly #capacity: Capacity;
  readonly #executor: string;
  readonly #pool: PoolInfo | undefined;
  #freeSlots: number;
  readonly #free = new Map<string, number>();
  readonly #defaults: CompiledRequirements | undefined;
  readonly #merged = new WeakMap<CompiledRequirements, CompiledRequirements>();

  constructor(capacity: Capacity, executor: string, pool?: PoolInfo) {
    this.#capacity = capacity;
    this.#executor = executor;
    this.#pool = pool;
    this.#freeSlots = capacity.slots;
    for (const [name, amount] of Object.entries(capacity.resources)) this.#free.set(name, amount);
    const defaults = Object.entries(capacity.defaultRequirements ?? {}).filter(([, a]) => a > 0);
    this.#defaults =
      defaults.length === 0
        ? undefined
        : requirementsOf(
            defaults.map(([n]) => n),
            defaults.map(([, a]) => a),
          );
  }

  /** `req` with the executor's defaults for what it does not mention. */
  #effective(req: CompiledRequirements | undefined): CompiledRequirements | undefined {
    const defaults = this.#defaults;
    if (defaults === undefined) return req;
    if (req === undefined) return defaults;
    let merged = this.#merged.get(req);
    if (merged === undefined) {
      const names = [...req.names];
      const amounts = [...req.amounts];
      defaults.names.forEach((name, i) => {
        if (!names.includes(name)) {
          names.push(name);
          amounts.push(defaults.amounts[i]!);
        }
      });
      merged = requirementsOf(names, amounts);
      this.#merged.set(req, merged);
    }
    return merged;
  }

  /** Throws when `req` could never fit, even with the executor idle. */
  check(declared: CompiledRequirements | undefined, task: () => string): void {
    const req = this.#effective(declared);
    if (req === undefined) return;
    for (let i = 0; i < req.names.length; i++) {
      const name = req.names[i]!;
      const total = this.#capacity.resources[name] ?? 0;
      if (req.amounts[i]! > total) {
        throw new UnsatisfiableRequirementsError(
          task(),
          this.#executor,
          name,
          req.amounts[i]!,
          total,
          this.#pool,
        );
      }
    }
  }

  get hasFreeSlot(): boolean {
    return this.#freeSlots > 0;
  }

  /** Takes a slot and `req` when they are free; false (taking nothing) otherwise. */
  tryTake(declared: CompiledRequirements | undefined): boolean {
    if (this.#freeSlots <= 0) return false;
    const req = this.#effective(declared);
    if (req !== undefined) {
      for (let i = 0; i < req.names.length; i++) {
        // The tolerance absorbs rounding of fractional amounts taken and given back.
        if ((this.#free.get(req.names[i]!) ?? 0) + 1e-9 < req.amounts[i]!) return false;
      }
      for (let i = 0; i < req.names.length; i++) {
        const name = req.names[i]!;
        this.#free.set(name, this.#free.get(name)! - req.amounts[i]!);
      }
    }
    this.#freeSlots--;
    return true;
  }

  /** Takes a slot and `req` even when that overdraws them (a suspended task resuming). */
  forceTake(declared: CompiledRequirements | undefined): void {
    this.#freeSlots--;
    const req = this.#effective(declared);
    if (req === undefined) return;
    for (let i = 0; i < req.names.length; i++) {
      const name = req.names[i]!;
      this.#free.set(name, this.#free.get(name)! - req.amounts[i]!);
    }
  }

  release(declared: CompiledRequirements | undefined): void {
    this.#freeSlots++;
    const req = this.#effective(declared);
    if (req === undefined) return;
    for (let i = 0; i < req.names.length; i++) {
      const name = req.names[i]!;
      this.#free.set(name, this.#free.get(name)! + req.amounts[i]!);
    }
  }
}
