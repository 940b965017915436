/**
 * @module
 * What the API reads from the run store, as the page receives it: the runs,
 * a run's snapshot (its tasks as of an event cursor), its timeline of
 * attempts, a task's detail, log records. Unknown runs and tasks, and bad
 * ids, are `UiRequestError`s that say what was asked for.
 */
import type { ArtifactStore, RunRecord, RunState, RunStore } from '@weft/core/store';
import { argsSummary } from './args.ts';
import { lastSeq } from './cursor.ts';
import { UiRequestError } from './errors.ts';
import { summarizeResult } from './result.ts';
import { attemptRow, errorInfo, runRow, taskNode } from './views.ts';
import type { AttemptBar, LogLine, RunRow, RunSnapshot, TaskDetail, Timeline } from './wire.ts';

/** Tasks sent with a run's snapshot, at most; a larger run's graph shows the first ones. */
export const MAX_SNAPSHOT_TASKS = 50_000;
/** Attempts read for a run's timeline, at most. */
export const MAX_TIMELINE_EVENTS = 200_000;

const RUN_STATES: readonly RunState[] = [
  'running',
  'interrupted',
  'succeeded',
  'failed',
  'cancelled',
];

/** A positive whole number from a query parameter, with its default and bound. */
export function countParam(
  text: string | undefined,
  name: string,
  fallback: number,
  max: number,
): number {
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) > max) {
    throw new UiRequestError(
      400,
      `${name} must be a whole number from 0 to ${max}, not ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

/** A run state from a query parameter (or undefined for every state). */
export function stateParam(text: string | undefined): RunState | undefined {
  if (text === undefined || text === '') return undefined;
  if (!(RUN_STATES as readonly string[]).includes(text)) {
    throw new UiRequestError(
      400,
      `state must be one of ${RUN_STATES.join(', ')}, not ${JSON.stringify(text)}`,
    );
  }
  return text as RunState;
}

/** A task id from the path. */
export function taskIdParam(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > 2 ** 31) {
    throw new UiRequestError(400, `a task id is a whole number, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** The newest runs, newest first. */
export function listRuns(
  store: RunStore,
  query: { limit: number; state: RunState | undefined },
): RunRow[] {
  return store
    .runs({ limit: query.limit, ...(query.state === undefined ? {} : { state: query.state }) })
    .map(runRow);
}

/** The run with this id (or unique prefix); 404 when there is none. */
export function findRun(store: RunStore, id: string): RunRecord {
  const run = id === '' ? undefined : store.run(id);
  if (run === undefined) {
    throw new UiRequestError(
      404,
      `no run "${id}" is recorded in ${store.location} (or the prefix matches several runs)`,
    );
  }
  return run;
}

/** A run with its latest session's tasks, and the cursor the live stream continues from. */
export function runSnapshot(store: RunStore, id: string): RunSnapshot {
  const found = findRun(store, id);
  // The cursor first: events written meanwhile are sent again, and applying them twice is harmless.
  const cursor = lastSeq(store, found.id);
  const tasks = store.tasks(found.id, { session: 'latest', limit: MAX_SNAPSHOT_TASKS + 1 });
  const run = store.run(found.id) ?? found;
  return {
    run: runRow(run),
    store: store.location,
    cursor,
    tasks: tasks.slice(0, MAX_SNAPSHOT_TASKS).map(taskNode),
    truncated: tasks.length > MAX_SNAPSHOT_TASKS,
  };
}

const TIMELINE_TYPES = ['started', 'retrying', 'succeeded', 'failed', 'cancelled'] as const;
const PAGE = 5000;

/** The run's attempts by worker, from its events. */
export function runTimeline(store: RunStore, id: string): Timeline {
  const run = findRun(store, id);
  const bars: AttemptBar[] = [];
  const open = new Map<number, number>();
  let after = 0;
  let read = 0;
  for (;;) {
    const page = store.events(run.id, { types: [...TIMELINE_TYPES], afterSeq: after, limit: PAGE });
    for (const e of page) {
      if (e.type === 'started') {
        open.set(e.taskId, bars.length);
        bars.push({
          task: e.taskId,
          name: e.name,
          attempt: e.attempt,
          worker: e.worker ?? 'in process',
          start: e.time,
          end: null,
          outcome: 'running',
        });
      } else if (e.type !== 'log' && e.type !== 'run_started' && e.type !== 'run_finished') {
        const at = open.get(e.taskId);
        if (at === undefined) continue; // cancelled before it started
        open.delete(e.taskId);
        bars[at] = { ...bars[at]!, end: e.time, outcome: e.type as AttemptBar['outcome'] };
      }
    }
    read += page.length;
    if (page.length < PAGE) return { bars, truncated: false };
    if (read >= MAX_TIMELINE_EVENTS) return { bars, truncated: true };
    after = page[page.length - 1]!.seq;
  }
}

/** A task's page: its record, attempts, inputs and result. */
export function taskDetail(
  store: RunStore,
  artifacts: ArtifactStore | undefined,
  id: string,
  taskId: number,
): TaskDetail {
  const run = findRun(store, id);
  const task = store.task(run.id, taskId);
  if (task === undefined) {
    throw new UiRequestError(404, `run ${run.id} has no task #${taskId}`);
  }
  const inputs = task.deps.map((dep) => {
    const t = store.task(run.id, dep);
    return { id: dep, name: t?.name ?? '?', label: t?.label ?? null, state: t?.state ?? 'pending' };
  });
  const stored = task.hasResult ? store.result(run.id, taskId) : undefined;
  return {
    runId: run.id,
    task: taskNode(task),
    submittedAt: task.submittedAt,
    argsHash: task.argsHash ?? null,
    args: argsSummary(task.argsHash, task.deps.length),
    requirements: task.requirements ?? null,
    cacheKey: task.cacheKey ?? null,
    cachedFrom: task.cachedFrom ?? null,
    errorDetail: errorInfo(task.error),
    inputs,
    attempts: store.attempts(run.id, taskId).map(attemptRow),
    result: stored === undefined ? null : summarizeResult(stored, artifacts),
  };
}

/** Log records of a run (or of one task) after `afterSeq`. */
export function logsAfter(
  store: RunStore,
  runId: string,
  query: { taskId: number | undefined; afterSeq: number; limit: number },
): LogLine[] {
  return store
    .logs(runId, {
      afterSeq: query.afterSeq,
      limit: query.limit,
      ...(query.taskId === undefined ? {} : { taskId: query.taskId }),
    })
    .map((l) => ({
      seq: l.seq,
      taskId: l.taskId,
      attempt: l.attempt,
      level: l.level,
      message: l.message,
      fields: l.fields ?? null,
      time: l.time,
    }));
}
