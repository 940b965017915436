/**
 * @module
 * The store's records as the page receives them (`wire.ts`): runs, tasks,
 * attempts, errors, and an event of the live stream as the change it makes
 * to its task (the same fold the store applies to a task's events).
 */
import type { SerializedError, TaskEvent } from '@weft/core';
import type { AttemptRecord, RunRecord, StoredEvent, TaskRecord } from '@weft/core/store';
import type { AttemptRow, ErrorInfo, RunRow, TaskNode, TaskStateName, TaskUpdate } from './wire.ts';

const FIRST_LINE_MAX = 300;

/** A run as a row of the runs table. */
export function runRow(run: RunRecord): RunRow {
  let total = 0;
  for (const n of Object.values(run.counts)) total += n;
  return {
    id: run.id,
    workflow: run.workflow ?? null,
    mode: run.mode ?? null,
    executor: run.executor,
    state: run.state,
    counts: run.counts,
    total,
    startedAt: run.startedAt,
    endedAt: run.endedAt ?? null,
    activeMs: run.activeMs,
    sessions: run.sessions,
    rerunOf: run.rerunOf ?? null,
    cancelRequested: run.cancelRequested ?? null,
    host: run.host,
    pid: run.pid,
  };
}

/** The first line of an error's message, bounded. */
export function firstLine(error: SerializedError | undefined): string | null {
  if (error === undefined) return null;
  const line = String(error.message).split('\n', 1)[0] ?? '';
  return line.length > FIRST_LINE_MAX ? `${line.slice(0, FIRST_LINE_MAX)}…` : line;
}

/** An error with its name, code, message and stack. */
export function errorInfo(error: SerializedError | undefined): ErrorInfo | null {
  if (error === undefined) return null;
  return {
    name: error.name,
    code: error.code ?? null,
    message: error.message,
    stack: error.stack ?? null,
  };
}

/** A task as a node of the graph. */
export function taskNode(t: TaskRecord): TaskNode {
  return {
    id: t.id,
    name: t.name,
    label: t.label ?? null,
    state: t.state,
    deps: t.deps,
    parentId: t.parentId,
    attempts: t.attempts,
    startedAt: t.startedAt ?? null,
    endedAt: t.endedAt ?? null,
    worker: t.worker ?? null,
    error: firstLine(t.error),
  };
}

/** An attempt as a row of the task's page. */
export function attemptRow(a: AttemptRecord): AttemptRow {
  return {
    attempt: a.attempt,
    startedAt: a.startedAt,
    endedAt: a.endedAt ?? null,
    outcome: a.outcome,
    worker: a.worker ?? null,
    error: errorInfo(a.error),
  };
}

const STATE_AFTER: Readonly<Record<TaskEvent['type'], TaskStateName>> = {
  submitted: 'pending',
  ready: 'ready',
  started: 'running',
  retrying: 'pending',
  succeeded: 'succeeded',
  failed: 'failed',
  upstream_failed: 'upstream_failed',
  cancelled: 'cancelled',
  cached: 'cached',
};

/** The task event types the live stream of a run reads. */
export const TASK_EVENT_TYPES = Object.keys(STATE_AFTER) as TaskEvent['type'][];

function isTaskEvent(e: StoredEvent): e is TaskEvent & { seq: number } {
  return Object.hasOwn(STATE_AFTER, e.type);
}

/** What a task event changes of its task; undefined for other events. */
export function taskUpdate(e: StoredEvent): TaskUpdate | undefined {
  if (!isTaskEvent(e)) return undefined;
  const base = {
    seq: e.seq,
    id: e.taskId,
    type: e.type,
    state: STATE_AFTER[e.type],
    time: e.time,
    attempt: e.attempt,
  };
  switch (e.type) {
    case 'submitted':
      return {
        ...base,
        task: {
          id: e.taskId,
          name: e.name,
          label: e.label ?? null,
          state: 'pending',
          deps: e.deps,
          parentId: e.parentId,
          attempts: 0,
          startedAt: null,
          endedAt: null,
          worker: null,
          error: null,
        },
      };
    case 'started':
      return e.worker === undefined ? base : { ...base, worker: e.worker };
    case 'failed':
    case 'retrying':
      return { ...base, error: firstLine(e.error) ?? '' };
    case 'cancelled':
      return { ...base, error: e.reason };
    case 'upstream_failed':
      return { ...base, error: `input #${e.upstreamId} did not succeed` };
    default:
      return base;
  }
}
