/**
 * @module
 * What a worker has (cpus, memory, gpus) and what its running tasks hold of
 * it. BullMQ bounds how many jobs the worker takes at once; the gate bounds
 * what they need: a job waits here, first come first served, until its
 * requirements fit. A task without a cpus requirement holds the worker's
 * cpus divided by its concurrency. A task waiting on its children gives
 * back what it holds, and takes it again when the wait ends even if that
 * overdraws, as the scheduler does: a parent never blocks its own children.
 */

export interface Amounts {
  readonly cpus: number;
  readonly memoryMb: number;
  readonly gpus: number;
}

interface Waiter {
  readonly need: Amounts;
  readonly resolve: (taken: boolean) => void;
}

export class Gate {
  readonly #free: { cpus: number; memoryMb: number; gpus: number };
  readonly #defaultCpus: number;
  readonly #waiters: Waiter[] = [];

  constructor(total: Amounts, concurrency: number) {
    this.#free = { ...total };
    this.#defaultCpus = total.cpus / concurrency;
  }

  /** What a task with requirements `req` holds while it runs. */
  need(req: Readonly<Record<string, number>> | undefined): Amounts {
    return {
      cpus: req?.cpus ?? this.#defaultCpus,
      memoryMb: req?.memoryMb ?? 0,
      gpus: req?.gpus ?? 0,
    };
  }

  /** Takes `need` now (true) or once it fits; resolves false when `cancelAll` gave up on it. */
  take(need: Amounts): Promise<boolean> | true {
    if (this.#waiters.length === 0 && this.#fits(need)) {
      this.#move(need, -1);
      return true;
    }
    return new Promise((resolve) => this.#waiters.push({ need, resolve }));
  }

  /** Takes `need` even if that overdraws (a task whose wait ended). */
  force(need: Amounts): void {
    this.#move(need, -1);
  }

  release(need: Amounts): void {
    this.#move(need, 1);
    while (this.#waiters.length > 0 && this.#fits(this.#waiters[0]!.need)) {
      const w = this.#waiters.shift()!;
      this.#move(w.need, -1);
      w.resolve(true);
    }
  }

  /** Gives up on every job waiting here (the worker stops): they resolve false. */
  cancelAll(): void {
    for (const w of this.#waiters.splice(0)) w.resolve(false);
  }

  #fits(n: Amounts): boolean {
    const f = this.#free;
    const eps = 1e-9;
    return n.cpus <= f.cpus + eps && n.memoryMb <= f.memoryMb + eps && n.gpus <= f.gpus + eps;
  }

  #move(n: Amounts, sign: 1 | -1): void {
    this.#free.cpus += sign * n.cpus;
    this.#free.memoryMb += sign * n.memoryMb;
    this.#free.gpus += sign * n.gpus;
  }
}
