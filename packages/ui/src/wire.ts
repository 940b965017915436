/**
 * @module
 * What the API sends the page, as plain JSON: the types both sides share
 * (the page imports them as types only). Times are epoch milliseconds.
 */

/** A task's state, as `@weft/core` names them. */
export type TaskStateName =
  | 'pending'
  | 'ready'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'upstream_failed'
  | 'cancelled'
  | 'cached';

/** A run's state, `interrupted` included (a run whose process is gone). */
export type RunStateName = 'running' | 'interrupted' | 'succeeded' | 'failed' | 'cancelled';

/** A run in the runs table and at the top of its page. */
export interface RunRow {
  readonly id: string;
  /** The workflow module's path, as recorded. */
  readonly workflow: string | null;
  readonly mode: string | null;
  readonly executor: string;
  readonly state: RunStateName;
  /** Tasks of the latest session in each state. */
  readonly counts: Readonly<Record<TaskStateName, number>>;
  readonly total: number;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** The time the run's sessions ran. */
  readonly activeMs: number;
  readonly sessions: number;
  /** The run whose results this one reuses (`rerun --from-failure`). */
  readonly rerunOf: string | null;
  readonly cancelRequested: string | null;
  readonly host: string;
  readonly pid: number;
}

/** A task as the graph and the failures list draw it. */
export interface TaskNode {
  readonly id: number;
  readonly name: string;
  readonly label: string | null;
  readonly state: TaskStateName;
  readonly deps: readonly number[];
  readonly parentId: number;
  readonly attempts: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly worker: string | null;
  /** The error's first line, for a task that failed or did not run. */
  readonly error: string | null;
}

/** A run's page: the run, and its latest session's tasks as of `cursor`. */
export interface RunSnapshot {
  readonly run: RunRow;
  /** The store's location, for messages. */
  readonly store: string;
  /** The event sequence number the tasks reflect: the live stream continues after it. */
  readonly cursor: number;
  readonly tasks: readonly TaskNode[];
  /** True when the run has more tasks than the page is sent (`tasks` holds the first ones). */
  readonly truncated: boolean;
}

/** A change to a task, from one event of the live stream. */
export interface TaskUpdate {
  readonly seq: number;
  readonly id: number;
  readonly type: string;
  readonly state: TaskStateName;
  readonly time: number;
  readonly attempt: number;
  readonly worker?: string;
  readonly error?: string;
  /** For a task submitted after the snapshot: what the graph needs of it. */
  readonly task?: TaskNode;
}

/** One attempt of a task on the timeline. */
export interface AttemptBar {
  readonly task: number;
  readonly name: string;
  readonly attempt: number;
  readonly worker: string;
  readonly start: number;
  readonly end: number | null;
  readonly outcome: 'running' | 'succeeded' | 'failed' | 'retrying' | 'cancelled';
}

/** The timeline of a run: its attempts, oldest first. */
export interface Timeline {
  readonly bars: readonly AttemptBar[];
  /** True when the run had more attempts than were read. */
  readonly truncated: boolean;
}

/** One attempt of a task, on the task's page. */
export interface AttemptRow {
  readonly attempt: number;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly outcome: AttemptBar['outcome'];
  readonly worker: string | null;
  readonly error: ErrorInfo | null;
}

/** An error as the page shows it. */
export interface ErrorInfo {
  readonly name: string;
  readonly code: string | null;
  readonly message: string;
  readonly stack: string | null;
}

/** What a task returned, summarised. */
export interface ResultSummary {
  readonly kind: 'inline' | 'artifact';
  /** Its serialized size in bytes. */
  readonly size: number;
  /** The artifact's SHA-256, for an artifact. */
  readonly hash: string | null;
  /** A bounded text form of the value; null when it cannot be read here. */
  readonly preview: string | null;
  /** True when `GET .../result` serves the serialized bytes. */
  readonly downloadable: boolean;
}

/** A task's page. */
export interface TaskDetail {
  readonly runId: string;
  readonly task: TaskNode;
  readonly submittedAt: number;
  readonly argsHash: string | null;
  /** Its arguments in words: small primitives as they are, else their hash (and its inputs). */
  readonly args: string;
  readonly requirements: Readonly<Record<string, number>> | null;
  readonly cacheKey: string | null;
  readonly cachedFrom: { readonly runId: string; readonly taskId: number } | null;
  readonly errorDetail: ErrorInfo | null;
  /** The tasks whose results it took, with their names and states. */
  readonly inputs: readonly Pick<TaskNode, 'id' | 'name' | 'label' | 'state'>[];
  readonly attempts: readonly AttemptRow[];
  readonly result: ResultSummary | null;
}

/** A log record. */
export interface LogLine {
  readonly seq: number;
  readonly taskId: number;
  readonly attempt: number;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>> | null;
  readonly time: number;
}

/** What the server says about itself. */
export interface ServerInfo {
  readonly store: string;
  readonly version: string;
  /** Whether "rerun from failure" can start a process (the weft command was found). */
  readonly canRerun: boolean;
}

/** The body of every error response. */
export interface ApiError {
  readonly error: { readonly code: string; readonly message: string };
}

/** The answer to an action (cancel, rerun). */
export interface ActionResult {
  readonly ok: true;
  readonly message: string;
  /** The process started, for a rerun. */
  readonly pid?: number;
}
