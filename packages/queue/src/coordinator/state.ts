/**
 * @module
 * The coordinator's records: one per attempt it was handed (a call), and
 * one per live worker (a view: its advert, the calls placed on it, the
 * nodes its tasks submitted, and what it refused).
 */
import type { Invocation } from '@weft/core/executor';
import type { NodeGraph } from '@weft/core/frontend';
import type { Queue } from 'bullmq';
import type { Advert } from '../common/advert.ts';
import type { Down, JobPayload } from '../common/wire.ts';
import type { JobRefusedError } from '../errors.ts';

/** One attempt of one task, from `run()` until it settles. */
export interface QueueCall {
  readonly inv: Invocation;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** The task's module, relative to the project root. */
  readonly mod: string;
  /** The module's import graph as this process loaded it (the token), and its name (a hash of it). */
  readonly graph: string;
  readonly graphId: string;
  readonly requirements: Readonly<Record<string, number>> | undefined;
  /** The key of its current placement (every placement gets a new one); 0 while unplaced. */
  key: number;
  /** Where it is placed; undefined while it waits for a worker. */
  worker: WorkerView | undefined;
  /** Waits its task has open on nodes of the run: while above 0, it holds no room on its worker. */
  waits: number;
  /** Its signal fired and the abort was sent. */
  aborted: boolean;
  killTimer: NodeJS.Timeout | undefined;
  /** How often it was run again because its worker was lost. */
  lost: number;
  /** The worker's keys of the nodes its task submitted. */
  children: number[] | undefined;
  /** Why workers refused it, by worker id. */
  readonly refusals: Map<string, JobRefusedError>;
  /** What it waits for, unplaced: room on a worker that fits it, or a worker that fits at all. */
  waiting: 'room' | 'fit' | undefined;
  /** When it began waiting for a worker that fits. */
  unfitSince: number | undefined;
  /** Why no worker fits it now, and the reason last logged. */
  reason: string | undefined;
  warned: string | undefined;
  /** The artifact its job went through, deleted when it ends. */
  artifact: string | undefined;
  /** Output not yet ended by a newline (see `output.ts`). */
  partial: [string, string] | undefined;
}

/** The coordinator's view of a live worker. */
export class WorkerView {
  readonly id: string;
  advert: Advert;
  /** Calls placed here, by key. */
  readonly calls = new Map<number, QueueCall>();
  /** Nodes the tasks running here submitted (the run's graph and the node id), by the worker's key. */
  readonly nodes = new Map<number, { readonly graph: NodeGraph; readonly id: number }>();
  /** Calls placed here and not waiting on a node: what placement balances. */
  active = 0;
  /** It refused a job for its weft version: no job of this session goes there. */
  refusedVersion: JobRefusedError | undefined;
  /** Modules it refused (another copy of the code), by path. */
  readonly refusedModules = new Map<string, JobRefusedError>();
  /** It said it stops, or its advert says it drains. */
  leaving = false;
  /** The coordinator has let it go (lost, left, or forgotten with Redis's data): no job goes there. */
  gone = false;
  /** It was sent a job of this session (so it is told when the session ends). */
  used = false;
  /** The module graphs sent to it, by id: later jobs name them only. */
  readonly graphs = new Set<string>();
  /** Jobs and messages not yet sent, sent together at the end of the turn. */
  jobs: { readonly payload: JobPayload; readonly call: QueueCall }[] = [];
  outbox: Down[] = [];
  queue: Queue | undefined;

  constructor(advert: Advert) {
    this.id = advert.id;
    this.advert = advert;
  }

  /** How many calls it may hold at once: its concurrency, and `prefetch` times as many queued. */
  limit(prefetch: number): number {
    return Math.max(1, Math.ceil(this.advert.concurrency * (1 + prefetch)));
  }

  /** The call that was placed here first among those still here. */
  oldest(): QueueCall | undefined {
    for (const call of this.calls.values()) return call;
    return undefined;
  }
}
