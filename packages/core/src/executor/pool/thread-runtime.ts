/**
 * @module
 * Workers as `worker_threads`: cheap to start, sharing the process. A heap
 * limit is a V8 resource limit (the thread dies with
 * `ERR_WORKER_OUT_OF_MEMORY`, the process lives on); a hard stop is
 * `worker.terminate()`.
 */
import type { Worker } from 'node:worker_threads';
import type { WorkerDeath } from '../../errors/worker.ts';
import { workerCompileCache } from '../../util/compile-cache.ts';
import { startWorker } from '../../util/worker-exec-argv.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import type { Runtime, SpawnOptions, WorkerEvents, WorkerHandle } from './runtime.ts';

class ThreadHandle implements WorkerHandle {
  readonly #worker: Worker;
  #stopReason: string | undefined;
  #error: Error | undefined;

  constructor(options: SpawnOptions, events: WorkerEvents) {
    const limit = options.memoryLimitMb;
    // Node's compile cache (shared with processes and later runs) spares
    // every new worker the type stripping of .ts modules: a warm start is a
    // few times faster. Set before the entry loads, so it covers the entry too.
    const cache = workerCompileCache();
    const boot =
      (cache === undefined
        ? ''
        : `require('node:module').enableCompileCache?.(${JSON.stringify(cache)});`) +
      `import(${JSON.stringify(options.entry.href)});`;
    this.#worker = startWorker(boot, {
      eval: true,
      workerData: options.init,
      stdout: true,
      stderr: true,
      ...(limit === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: limit } }),
    });
    const worker = this.#worker;
    worker.on('message', (batch: readonly FromWorker[]) => events.message(batch));
    worker.stdout.setEncoding('utf8').on('data', (text: string) => events.output(1, text));
    worker.stderr.setEncoding('utf8').on('data', (text: string) => events.output(2, text));
    worker.on('error', (error: Error) => {
      this.#error ??= error;
    });
    worker.once('exit', (code: number) => events.exit(this.#death(code, limit)));
  }

  #death(code: number, limitMb: number | undefined): WorkerDeath {
    if (this.#stopReason !== undefined) return { kind: 'stopped', reason: this.#stopReason };
    const error = this.#error;
    if ((error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { kind: 'oom', limitMb };
    }
    if (error !== undefined) return { kind: 'uncaught', message: error.message };
    return { kind: 'exit', code };
  }

  send(batch: readonly ToWorker[], transfer: readonly ArrayBuffer[]): void {
    this.#worker.postMessage(batch, transfer);
  }

  keepAlive(on: boolean): void {
    if (on) this.#worker.ref();
    else this.#worker.unref();
  }

  kill(reason: string): void {
    this.#stopReason ??= reason;
    void this.#worker.terminate();
  }
}

/** The worker-thread runtime. */
export const threadRuntime: Runtime = {
  kind: 'thread',
  canTransfer: true,
  spawn: (options, events) => new ThreadHandle(options, events),
};
