/**
 * @module
 * The coordinator's view of one worker: the attempts running there (calls),
 * the nodes the tasks running there submitted, the modules it was told about,
 * and its outbox. Messages queued in one turn of the event loop leave
 * together, as one batch, in order.
 */
import type { NodeGraph } from '../../vocabulary/node.ts';
import type { Invocation } from '../executor.ts';
import type { OutputOwner } from './output.ts';
import type { ToWorker } from './protocol.ts';
import type { WorkerHandle } from './runtime.ts';

/** One attempt of one task, running on a worker. */
export interface Call extends OutputOwner {
  readonly key: number;
  readonly inv: Invocation;
  /** The worker it runs on (another one when it is run again); undefined while it waits for one. */
  conn: Connection | undefined;
  /** The pool's id of the task's module. */
  readonly module: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** The calls sharing its signal, which fire when it aborts. */
  watched: Set<Call> | undefined;
  /** Waits on nodes the task has open in the coordinator: while above 0, it holds no slot. */
  waits: number;
  /** Its signal fired and was forwarded; its worker is stopped if it runs on too long. */
  aborted: boolean;
  killTimer: NodeJS.Timeout | undefined;
  /** How often it was run again because its worker was stopped for another call. */
  rerun: number;
  /** The worker's keys of the nodes it submitted. */
  children: number[] | undefined;
}

export class Connection {
  readonly id: number;
  /** `thread #2`: names the worker in messages. */
  readonly label: string;
  handle!: WorkerHandle;
  readonly calls = new Map<number, Call>();
  /** Nodes submitted from this worker (the run's graph and the node's id), by the worker's key. */
  readonly nodes = new Map<number, { readonly graph: NodeGraph; readonly id: number }>();
  /** Modules this worker was told about. */
  readonly modules = new Set<number>();
  /** Resource sources this worker has been told of. */
  readonly sources = new Set<number>();
  /** Calls running and not waiting on a node: what placement balances. */
  active = 0;
  /** Calls whose signal fired and that still run: no new task goes here meanwhile. */
  aborting = 0;
  /** The call whose fault made the pool stop this worker, for the others' messages. */
  stoppedFor: string | undefined;
  /** The worker said it runs the same weft and is ready. */
  ready = false;
  gone = false;
  /** The message of an uncaught error the worker reported before exiting. */
  fatal: string | undefined;
  readonly exited: Promise<void>;
  readonly markExited: () => void;
  /** Resolves when the worker is ready. */
  readonly readied: Promise<void>;
  readonly markReady: () => void;
  readonly #onUnsendable: (message: ToWorker, error: unknown) => void;
  #outbox: ToWorker[] = [];
  #scheduled = false;

  constructor(
    id: number,
    label: string,
    onUnsendable: (message: ToWorker, error: unknown) => void,
  ) {
    this.id = id;
    this.label = label;
    this.#onUnsendable = onUnsendable;
    let markExited!: () => void;
    this.exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    this.markExited = markExited;
    let markReady!: () => void;
    this.readied = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    this.markReady = markReady;
  }

  /**
   * Queues `message`; the batch leaves at the end of this turn. Nothing is
   * transferred this way: the run keeps arguments (for retries) and values
   * (for other dependents), so they are copied.
   */
  push(message: ToWorker): void {
    this.#outbox.push(message);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.flush);
    }
  }

  /** Sends what is queued. A batch that cannot be serialized is sent message by message. */
  readonly flush = (): void => {
    this.#scheduled = false;
    const batch = this.#outbox;
    if (batch.length === 0 || this.gone) return;
    this.#outbox = [];
    try {
      this.handle.send(batch, []);
    } catch {
      for (const message of batch) {
        try {
          this.handle.send([message], []);
        } catch (error) {
          this.#onUnsendable(message, error);
        }
      }
    }
  };

  /** An idle worker does not keep the coordinator's process alive; a busy or starting one does. */
  add(call: Call): void {
    if (this.calls.size === 0) this.handle.keepAlive(true);
    this.calls.set(call.key, call);
    this.active++;
  }

  remove(call: Call): void {
    if (!this.calls.delete(call.key)) return;
    if (call.waits === 0) this.active--;
    if (call.aborted) this.aborting--;
    if (call.children !== undefined) for (const f of call.children) this.nodes.delete(f);
    if (this.calls.size === 0 && this.ready && !this.gone) this.handle.keepAlive(false);
  }

  /** The call that started first among those running here (undefined when idle). */
  oldest(): Call | undefined {
    for (const call of this.calls.values()) return call;
    return undefined;
  }
}
