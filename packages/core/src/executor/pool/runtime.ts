/**
 * @module
 * The seam between the pool and what a worker is: a thread
 * (`thread-runtime.ts`) or a child process (`process-runtime.ts`). A
 * runtime starts one worker and reports its messages, its raw output and
 * its death; the pool does the rest the same way for both.
 */
import type { WorkerDeath } from '../../errors/worker.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';

/** What a runtime reports about one worker. */
export interface WorkerEvents {
  message(batch: readonly FromWorker[]): void;
  /** Output that bypassed the worker's own capture (native writes, subprocesses). */
  output(stream: 1 | 2, text: string): void;
  /** Called once, when the worker is gone. */
  exit(death: WorkerDeath): void;
}

/** One running worker, as the pool drives it. */
export interface WorkerHandle {
  /** Sends a batch; throws synchronously when a value cannot be serialized. */
  send(batch: readonly ToWorker[], transfer: readonly ArrayBuffer[]): void;
  /** Lets the coordinator's process exit while this worker is idle (`false`), or not. */
  keepAlive(on: boolean): void;
  /** Stops the worker hard (thread: terminate; process: SIGTERM, then SIGKILL after a grace). */
  kill(reason: string): void;
  /** The worker's process id, when it is a process of its own. */
  readonly pid?: number | undefined;
}

/** What a runtime needs to start a worker. */
export interface SpawnOptions {
  /** The worker's entry module. */
  readonly entry: URL;
  readonly init: WorkerInit;
  /** Heap limit of the worker, in MB. */
  readonly memoryLimitMb: number | undefined;
  /** Extra Node flags (processes only). */
  readonly execArgv: readonly string[];
  /** Between SIGTERM and SIGKILL (processes only). */
  readonly terminateGraceMs: number;
}

export interface Runtime {
  /** `thread` or `process`: names workers in messages. */
  readonly kind: 'thread' | 'process';
  /** Whether `send` can move ArrayBuffers instead of copying them. */
  readonly canTransfer: boolean;
  spawn(options: SpawnOptions, events: WorkerEvents): WorkerHandle;
}
