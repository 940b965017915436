/**
 * @module
 * The checks of query arguments both run stores share, so that the memory
 * and the SQLite store refuse the same bad input with the same message
 * (their errors are in `errors/store.ts`).
 */
import { describeValue } from '../errors/base.ts';
import { RunStoreInputError } from '../errors/store.ts';
import type { RunEvent } from '../events/events.ts';
import { EVENT_TYPES } from '../events/events.ts';
import { STATE_NAMES } from '../vocabulary/state.ts';
import type {
  EventQuery,
  LogQuery,
  RunInfo,
  RunQuery,
  RunState,
  StoredResult,
  TaskQuery,
} from './run-store.ts';

/** Queries with their defaults applied and their arguments checked. */
export interface CheckedPage {
  readonly limit: number;
  readonly offset: number;
}

const RUN_STATES: readonly RunState[] = [
  'running',
  'interrupted',
  'succeeded',
  'failed',
  'cancelled',
];
const EVENT_TYPE_SET: ReadonlySet<string> = new Set<string>(EVENT_TYPES);

function count(value: unknown, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RunStoreInputError(
      `${name} must be an integer of at least ${min}, not ${describeValue(value)}`,
    );
  }
  return value;
}

function page(
  query: { limit?: number; offset?: number } | undefined,
  fallback: number,
): CheckedPage {
  return {
    limit: count(query?.limit, 'limit', fallback),
    offset: count(query?.offset, 'offset', 0),
  };
}

/** Checks a run query: `limit` and `offset` counts, a known state. */
export function checkRunQuery(query: RunQuery | undefined): CheckedPage & RunQuery {
  if (query?.state !== undefined && !RUN_STATES.includes(query.state)) {
    throw new RunStoreInputError(
      `state must be one of ${RUN_STATES.join(', ')}, not ${describeValue(query.state)}`,
    );
  }
  return { ...query, ...page(query, 100) };
}

/** Checks a task query: `limit` and `offset` counts, known states, a known session. */
export function checkTaskQuery(query: TaskQuery | undefined): CheckedPage & TaskQuery {
  if (query?.session !== undefined && query.session !== 'latest') {
    throw new RunStoreInputError(
      `session must be 'latest' (or left out), not ${describeValue(query.session)}`,
    );
  }
  for (const state of query?.states ?? []) {
    if (!STATE_NAMES.includes(state)) {
      throw new RunStoreInputError(
        `states must be task states (${STATE_NAMES.join(', ')}), not ${describeValue(state)}`,
      );
    }
  }
  return { ...query, ...page(query, 100) };
}

/** An event query with its defaults: every type when `types` is undefined. */
export interface CheckedEventQuery {
  readonly taskId: number | undefined;
  readonly types: ReadonlySet<RunEvent['type']> | undefined;
  readonly afterSeq: number;
  readonly limit: number;
}

/** Checks an event query: a task id of -1 or more, known types, counts. */
export function checkEventQuery(query: EventQuery | undefined): CheckedEventQuery {
  for (const type of query?.types ?? []) {
    if (!EVENT_TYPE_SET.has(type)) {
      throw new RunStoreInputError(
        `types must be event types (${[...EVENT_TYPE_SET].join(', ')}), not ${describeValue(type)}`,
      );
    }
  }
  return {
    taskId: query?.taskId === undefined ? undefined : count(query.taskId, 'taskId', 0, -1),
    types: query?.types === undefined ? undefined : new Set(query.types),
    afterSeq: count(query?.afterSeq, 'afterSeq', 0),
    limit: count(query?.limit, 'limit', 1000),
  };
}

/** Checks a log query: a task id of -1 or more, counts. */
export function checkLogQuery(query: LogQuery | undefined): CheckedEventQuery {
  return {
    taskId: query?.taskId === undefined ? undefined : count(query.taskId, 'taskId', 0, -1),
    types: new Set(['log']),
    afterSeq: count(query?.afterSeq, 'afterSeq', 0),
    limit: count(query?.limit, 'limit', 1000),
  };
}

/** Checks the final state given to `close`. */
export function checkFinalState(state: RunState): void {
  if (state !== 'succeeded' && state !== 'failed' && state !== 'cancelled') {
    throw new RunStoreInputError(
      `close(state) needs the run's final state (succeeded, failed or cancelled), not ${describeValue(state)}`,
    );
  }
}

/** Checks the result given to `close`: undefined, inline bytes or an artifact reference. */
export function checkRunResult(result: StoredResult | undefined): void {
  if (result === undefined) return;
  const r = result as { kind?: unknown; bytes?: unknown; hash?: unknown; size?: unknown };
  const inline = r.kind === 'inline' && r.bytes instanceof Uint8Array;
  const artifact =
    r.kind === 'artifact' &&
    typeof r.hash === 'string' &&
    typeof r.size === 'number' &&
    Number.isInteger(r.size) &&
    r.size >= 0;
  if (!inline && !artifact) {
    throw new RunStoreInputError(
      `a run's result must be { kind: 'inline', bytes } or { kind: 'artifact', hash, size }, not ${describeValue(result)}`,
    );
  }
}

/** Checks `info.resumes` (a claim): undefined, or the sessions the run had, 1 or more. */
export function checkResumes(info: RunInfo): void {
  const n = info.resumes;
  if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1)) {
    throw new RunStoreInputError(
      `resumes must be the number of sessions the run had (an integer of at least 1), not ${describeValue(n)}`,
    );
  }
}

/**
 * `info.executorConfig` as JSON text (undefined when not given), refusing
 * what JSON cannot hold: a cycle, a bigint, and functions or symbols (which
 * `JSON.stringify` would drop without a word).
 */
export function executorConfigJson(info: RunInfo): string | undefined {
  const value = info.executorConfig;
  if (value === undefined) return undefined;
  const refuse = (why: string) =>
    new RunStoreInputError(
      `the executorConfig of run ${info.id} cannot be stored as JSON (${why}): ${describeValue(value)}`,
    );
  let lost: { value: unknown } | undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v !== 'function' && typeof v !== 'symbol') return v;
      lost ??= { value: v };
      return undefined;
    });
  } catch (error) {
    throw refuse((error as Error).message);
  }
  if (lost !== undefined) throw refuse(`it holds ${describeValue(lost.value)}`);
  return json;
}

/** Checks the run id given to `openRun`, `requestCancel`. */
export function checkRunId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new RunStoreInputError(`a run id must be a non-empty string, not ${describeValue(id)}`);
  }
}

/** Checks a task id given to a query. */
export function checkTaskId(id: unknown): asserts id is number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
    throw new RunStoreInputError(
      `a task id must be an integer of at least 0, not ${describeValue(id)}`,
    );
  }
}
