/**
 * @module
 * The slurm executor, `mode: 'pilot'`: pilot jobs hold nodes and run tasks
 * as they come, with the latency of a worker pool rather than of the batch
 * queue. Each pilot is a worker of @weft/queue (`pilot-main.ts`); tasks
 * reach them through the queue executor on the same Redis. A pilot that
 * ends loses only the tasks it held, which the queue runs again on the
 * others (`lostRetries`); more pilots are submitted while work remains, up
 * to `pilots.max`; all are cancelled when the run ends.
 */
import { randomBytes } from 'node:crypto';
import { type Task, UnsatisfiableRequirementsError } from '@weft/core';
import type { Capacity, Executor, Invocation } from '@weft/core/executor';
import type { NodeLimits } from '../cluster.ts';
import type { CompiledSlurmOptions } from '../options.ts';
import { checkTask } from '../task-files.ts';
import { Pilots } from './pilots.ts';

export class PilotExecutor implements Executor {
  readonly name = 'slurm';
  readonly remote = true;
  readonly placesAttempts = true;
  readonly capacity: Capacity;
  readonly #o: CompiledSlurmOptions;
  readonly #limits: NodeLimits;
  readonly #inner: Executor;
  readonly #pilots: Pilots;
  #inflight = 0;
  #closing: Promise<void> | undefined;

  private constructor(o: CompiledSlurmOptions, limits: NodeLimits, inner: Executor) {
    this.#o = o;
    this.#limits = limits;
    this.#inner = inner;
    this.capacity = inner.capacity;
    this.#pilots = new Pilots(
      o,
      () => this.#inflight > 0,
      () => {},
    );
  }

  /** Connects to the queue; the pilots start with the first task. */
  static async create(o: CompiledSlurmOptions, limits: NodeLimits): Promise<PilotExecutor> {
    // Pilots inherit the environment through sbatch: a secret of this run signs its queue's jobs.
    process.env.WEFT_QUEUE_SECRET ??= randomBytes(32).toString('hex');
    const { createQueueExecutor } = await import('@weft/queue');
    const inner = await createQueueExecutor({
      redis: o.pilots.redis,
      queue: o.pilots.queue,
      root: o.root,
      // A pilot's end (wall time, preemption) is not the task's fault.
      lostRetries: 3,
      // Pilots may wait in Slurm's queue before they take anything.
      placementTimeout: '24h',
    });
    return new PilotExecutor(o, limits, inner);
  }

  check(task: Task, args: readonly unknown[]): void {
    checkTask(task, args, this.#o.root, this.#limits, this.name);
    const cpus = task.options.requirements?.record.cpus ?? 0;
    if (cpus > this.#o.pilots.cpus) {
      throw new UnsatisfiableRequirementsError(
        task.name,
        'slurm (a pilot job)',
        'cpus',
        cpus,
        this.#o.pilots.cpus,
      );
    }
    this.#inner.check?.(task, args);
  }

  async run(inv: Invocation, signal: AbortSignal): Promise<unknown> {
    this.#inflight++;
    try {
      await this.#pilots.start();
      return await this.#inner.run(inv, signal);
    } finally {
      this.#inflight--;
    }
  }

  /** The pilot jobs submitted so far. */
  get pilots(): readonly string[] {
    return this.#pilots.submitted;
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.#closing ??= (async () => {
      await this.#inner[Symbol.asyncDispose]();
      await this.#pilots.close();
    })();
    return this.#closing;
  }
}
