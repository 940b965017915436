/**
 * @module
 * Bookkeeping of what an executor has free. A task takes one slot plus its
 * requirements while it runs; a task whose requirements exceed the
 * executor's whole capacity is refused when it is submitted.
 */
import type { CompiledRequirements } from '../api/requirements.ts';
import { UnsatisfiableRequirementsError } from '../errors/errors.ts';
import type { Capacity } from '../executor/executor.ts';

export class CapacityPool {
  readonly #capacity: Capacity;
  readonly #executor: string;
  #freeSlots: number;
  readonly #free = new Map<string, number>();

  constructor(capacity: Capacity, executor: string) {
    this.#capacity = capacity;
    this.#executor = executor;
    this.#freeSlots = capacity.slots;
    for (const [name, amount] of Object.entries(capacity.resources)) this.#free.set(name, amount);
  }

  /** Throws when `req` could never fit, even with the executor idle. */
  check(req: CompiledRequirements | undefined, task: () => string): void {
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
        );
      }
    }
  }

  get hasFreeSlot(): boolean {
    return this.#freeSlots > 0;
  }

  /** Takes a slot and `req` when they are free; false (taking nothing) otherwise. */
  tryTake(req: CompiledRequirements | undefined): boolean {
    if (this.#freeSlots <= 0) return false;
    if (req !== undefined) {
      for (let i = 0; i < req.names.length; i++) {
        if ((this.#free.get(req.names[i]!) ?? 0) < req.amounts[i]!) return false;
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
  forceTake(req: CompiledRequirements | undefined): void {
    this.#freeSlots--;
    if (req === undefined) return;
    for (let i = 0; i < req.names.length; i++) {
      const name = req.names[i]!;
      this.#free.set(name, this.#free.get(name)! - req.amounts[i]!);
    }
  }

  release(req: CompiledRequirements | undefined): void {
    this.#freeSlots++;
    if (req === undefined) return;
    for (let i = 0; i < req.names.length; i++) {
      const name = req.names[i]!;
      this.#free.set(name, this.#free.get(name)! + req.amounts[i]!);
    }
  }
}
