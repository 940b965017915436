/**
 * @module
 * The parallel executor: the executor seam over a pool of workers, for any
 * runtime (threads or processes). Besides `run`, it offers `check`, the
 * synchronous test the run makes at submit for executors that run tasks
 * outside the coordinator.
 */

import { PoolInWorkerError } from '../../errors/worker.ts';
import type { Task } from '../../vocabulary/task.ts';
import type { Capacity, Executor, Invocation } from '../executor.ts';
import { importableModule } from './modules.ts';
import type { CompiledParallelOptions } from './options.ts';
import { Pool } from './pool.ts';
import type { Runtime } from './runtime.ts';
import { checkSerializable } from './serializable.ts';

/** A worker refuses to start a pool of its own: task modules that start runs at import would recurse. */
const IN_WORKER = Symbol.for('weft.worker');

/** The worker's entry module, beside this one in the sources (.ts) or the build (.js). */
const WORKER_ENTRY = new URL(
  `../../worker/main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

export class ParallelExecutor implements Executor {
  readonly name: string;
  readonly capacity: Capacity;
  /** Tasks run in other threads or processes: resources and values must be able to follow. */
  readonly remote = true;
  /** Attempts may wait for a worker; the pool says when each starts. */
  readonly placesAttempts = true;
  readonly #pool: Pool;

  constructor(name: string, runtime: Runtime, options: CompiledParallelOptions) {
    const inWorker = (globalThis as Record<symbol, unknown>)[IN_WORKER];
    if (inWorker !== undefined) {
      throw new PoolInWorkerError(
        `a ${name} executor cannot start inside a weft worker (${String(inWorker)}): a task module ` +
          'probably starts a run when it is imported; guard it with `if (import.meta.main) await run(...)`, ' +
          'or start runs from a module that defines no tasks',
      );
    }
    this.name = name;
    this.capacity = Object.freeze({
      slots: options.max * options.concurrency,
      resources: options.resources,
      // Each task holds a worker's share of a cpu, so a task requiring 2 cpus
      // takes the room of 2 * concurrency tasks.
      defaultRequirements: { cpus: 1 / options.concurrency },
    });
    this.#pool = new Pool(name, runtime, options, WORKER_ENTRY);
  }

  /**
   * Throws when `task` could not run here: a worker could not import it
   * (`TaskNotImportableError`), or an argument cannot be sent to a worker
   * (`UnserializableValueError`, naming the task and the argument's path).
   * Synchronous and cheap after the first call for a module; the run calls it
   * at submit.
   */
  check(task: Task, args: readonly unknown[]): void {
    importableModule(task);
    checkSerializable(args, task.name);
  }

  /**
   * Starts all `max` workers now and resolves once they are ready (setup
   * and `preload` done), so that the first tasks do not wait for them.
   */
  ready(): Promise<void> {
    return this.#pool.ready();
  }

  run(invocation: Invocation, signal: AbortSignal): Promise<unknown> {
    return this.#pool.run(invocation, signal);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#pool.close();
  }
}
