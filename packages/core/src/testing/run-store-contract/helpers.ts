/**
 * @module
 * What the run store contract's sections share: the context they get, a
 * run's info, builders of the events a run writes, and a process id that
 * is certainly dead.
 */
import { spawn } from 'node:child_process';
import type { SerializedError } from '../../errors/base.ts';
import type { LogEvent, RunEvent, TaskEvent, TaskSubmitted } from '../../events/events.ts';
import type { RunInfo, RunStore, StoredEvent } from '../../store/run-store.ts';

/** What each section of the contract gets from `runRunStoreContract`. */
export interface StoreContext {
  /** A new, empty store, disposed by the suite after the test. */
  readonly newStore: () => Promise<RunStore>;
  /** Another store object on the same location (persistent stores only), disposed after the test. */
  readonly reopen: ((store: RunStore) => Promise<RunStore>) | undefined;
}

let runCounter = 0;

/** A run's info; the id is unique in the test file unless given. */
export function runInfo(over: Partial<RunInfo> = {}): RunInfo {
  runCounter++;
  return {
    id: `run-${runCounter.toString().padStart(4, '0')}-${process.pid}`,
    workflow: '/project/workflow.ts',
    mode: 'dev',
    executor: 'inline',
    params: { size: 3, names: ['a', 'b'] },
    rerunOf: undefined,
    cwd: '/project',
    host: 'host-1',
    pid: 4242,
    startedAt: 1_700_000_000_000 + runCounter * 1000,
    ...over,
  };
}

type Extra<E> = Partial<Omit<E, 'type' | 'runId' | 'taskId'>>;

/** Builds a run's events: consistent names and labels per task, and a clock that ticks by 1 ms. */
export class Events {
  readonly runId: string;
  time: number;
  readonly #tasks = new Map<number, { name: string; label: string | undefined }>();

  constructor(runId: string, time = 1_700_000_000_000) {
    this.runId = runId;
    this.time = time;
  }

  #base(taskId: number, attempt = 0) {
    const t = this.#tasks.get(taskId) ?? { name: 'step', label: undefined };
    return { runId: this.runId, taskId, name: t.name, label: t.label, attempt, time: ++this.time };
  }

  submitted(taskId: number, extra: Extra<TaskSubmitted> = {}): TaskSubmitted {
    const name = extra.name ?? `task${taskId % 3}`;
    this.#tasks.set(taskId, { name, label: extra.label });
    return {
      ...this.#base(taskId),
      type: 'submitted',
      parentId: -1,
      deps: [],
      ordinal: 0,
      argsHash: undefined,
      requirements: undefined,
      ...extra,
      name,
    };
  }
  ready(taskId: number): TaskEvent {
    return { ...this.#base(taskId), type: 'ready' };
  }
  started(taskId: number, attempt = 1, worker?: string): TaskEvent {
    const e = { ...this.#base(taskId, attempt), type: 'started' as const };
    return worker === undefined ? e : { ...e, worker };
  }
  retrying(taskId: number, attempt: number, error: SerializedError, delayMs = 10): TaskEvent {
    return { ...this.#base(taskId, attempt), type: 'retrying', error, delayMs };
  }
  succeeded(taskId: number, attempt = 1): TaskEvent {
    return { ...this.#base(taskId, attempt), type: 'succeeded' };
  }
  failed(taskId: number, attempt: number, error: SerializedError): TaskEvent {
    return { ...this.#base(taskId, attempt), type: 'failed', error };
  }
  upstreamFailed(taskId: number, upstreamId: number): TaskEvent {
    return { ...this.#base(taskId), type: 'upstream_failed', upstreamId };
  }
  cancelled(taskId: number, reason: string, attempt = 0): TaskEvent {
    return { ...this.#base(taskId, attempt), type: 'cancelled', reason };
  }
  cached(
    taskId: number,
    from: { runId: string; taskId: number } | undefined,
    cacheKey?: string,
  ): TaskEvent {
    return { ...this.#base(taskId), type: 'cached', from, cacheKey };
  }
  log(
    taskId: number,
    message: string,
    fields?: Record<string, unknown>,
    level: LogEvent['level'] = 'info',
  ): LogEvent {
    return {
      type: 'log',
      runId: this.runId,
      taskId,
      attempt: taskId < 0 ? 0 : 1,
      level,
      message,
      fields,
      time: ++this.time,
    };
  }
  runStarted(): RunEvent {
    return { type: 'run_started', runId: this.runId, time: ++this.time };
  }
  runFinished(state: 'succeeded' | 'failed' | 'cancelled'): RunEvent {
    return { type: 'run_finished', runId: this.runId, state, time: ++this.time };
  }
  /** submitted, ready, started, succeeded. */
  lifecycle(taskId: number, extra: Extra<TaskSubmitted> = {}): TaskEvent[] {
    return [
      this.submitted(taskId, extra),
      this.ready(taskId),
      this.started(taskId),
      this.succeeded(taskId),
    ];
  }
}

/** A serialized error as a task's failure carries it. */
export function anError(message: string, code?: string): SerializedError {
  return {
    name: 'Error',
    message,
    ...(code === undefined ? {} : { code }),
    stack: `Error: ${message}\n    at task (/project/tasks.ts:1:1)`,
    data: { attempt: 1, path: ['a', 0] },
  };
}

/** The events without their `seq`, to compare with what was written. */
export function withoutSeq(events: readonly StoredEvent[]): RunEvent[] {
  return events.map(({ seq: _seq, ...rest }) => rest as RunEvent);
}

/** The pid of a process that has exited (a child `node -e 0`, waited for). */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const pid = child.pid;
  await exited;
  if (pid === undefined) throw new Error('could not start a child process');
  return pid;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error a synchronous call throws, or a promise rejects with. */
export async function failure(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure, but the call succeeded');
}
