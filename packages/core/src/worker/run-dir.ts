/**
 * @module
 * A batch run's directory on the shared filesystem: what `weft exec` reads
 * and writes inside a batch job. Each task attempt has a task file
 * (`tasks/<key>.task`: which task, its arguments, where its inputs' values
 * come from) and, once it ended, a result file (`results/<key>.result`:
 * its value or error, and what it logged). Both are written whole
 * (a temporary file renamed into place), in V8's serialization format, the
 * structured serialization values cross processes with.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { SerializedError } from '../errors/base.ts';
import type { ResourceSource } from '../resources/source.ts';
import type { LogFields, LogLevel } from '../vocabulary/logger.ts';

/** The format of task and result files. */
export const RUN_DIR_FORMAT = 1;

/** Where a value from another task's result goes in the arguments. */
export interface TaskFileInput {
  readonly path: readonly (string | number)[];
  /** The key of the task file whose result it is. */
  readonly key: string;
}

/** One attempt of one task, as `weft exec` runs it. */
export interface TaskFile {
  readonly format: typeof RUN_DIR_FORMAT;
  /** The weft version that wrote it: `weft exec` of another version refuses it. */
  readonly version: string;
  readonly runId: string;
  readonly taskId: number;
  readonly attempt: number;
  readonly name: string;
  readonly label: string | undefined;
  /** The task's module, relative to the project root, with `/` separators (`weft:<path>` for weft's own). */
  readonly module: string;
  /** The module's graph hash as the submitting process loaded it. */
  readonly hash: string;
  /** The arguments, with `null` where an input's value goes. */
  readonly args: readonly unknown[];
  readonly inputs: readonly TaskFileInput[];
  /** Declared resources, and where to rebuild them from. */
  readonly resources?: { readonly names: readonly string[]; readonly source: ResourceSource };
  /** More attempts `weft exec` makes itself after a failure (delayed runs). @default 0 */
  readonly retries?: number;
  readonly backoffMs?: number;
  /** Time limit of one attempt, in ms (0: none). */
  readonly timeoutMs?: number;
}

/** A log record or a piece of output of the task, as the result file keeps it. */
export type ResultLog =
  | {
      readonly t: 'log';
      readonly level: LogLevel;
      readonly message: string;
      readonly fields: LogFields | undefined;
      readonly time: number;
    }
  | { readonly t: 'out'; readonly stream: 1 | 2; readonly text: string; readonly time: number };

/** How an attempt ended, as `weft exec` wrote it. */
export type ResultFile = {
  readonly format: typeof RUN_DIR_FORMAT;
  /** The attempt that wrote it (exec's own retries count on from the task file's). */
  readonly attempt: number;
  /** `host:pid` of the process that ran it. */
  readonly worker: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly logs: readonly ResultLog[];
} & (
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: SerializedError }
);

/** The task file of `key` in `dir`. */
export function taskFilePath(dir: string, key: string): string {
  return join(dir, 'tasks', `${key}.task`);
}

/** The result file of `key` in `dir`. */
export function resultFilePath(dir: string, key: string): string {
  return join(dir, 'results', `${key}.result`);
}

/** Writes `data` to `path` whole: readers see the old file or the new one, never a part. */
export function writeWhole(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Writes the task file of `key`. */
export function writeTaskFile(dir: string, key: string, file: TaskFile): void {
  mkdirSync(join(dir, 'tasks'), { recursive: true });
  mkdirSync(join(dir, 'results'), { recursive: true });
  writeWhole(taskFilePath(dir, key), serialize(file));
}

/** Writes the result file of `key`. */
export function writeResultFile(dir: string, key: string, file: ResultFile): void {
  mkdirSync(join(dir, 'results'), { recursive: true });
  writeWhole(resultFilePath(dir, key), serialize(file));
}

/** The result file of `key`, or undefined when there is none (yet). Throws when it is unreadable. */
export function readResultFile(dir: string, key: string): ResultFile | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(resultFilePath(dir, key));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return deserialize(bytes) as ResultFile;
}

/** A log record of a task, as a run records it. */
export interface TaskLogRecord {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields | undefined;
  readonly time: number;
}

const STDOUT = Object.freeze({ stream: 'stdout' });
const STDERR = Object.freeze({ stream: 'stderr' });

/**
 * A result file's logs as log records: what the task printed one record per
 * line, stdout at `info` and stderr at `warn` with `{ stream }`, as a pool
 * worker's output is recorded.
 */
export function resultLogRecords(logs: readonly ResultLog[]): TaskLogRecord[] {
  const out: TaskLogRecord[] = [];
  const partial = ['', ''];
  const line = (stream: 1 | 2, text: string, time: number): void => {
    const message = text.endsWith('\r') ? text.slice(0, -1) : text;
    out.push({
      level: stream === 1 ? 'info' : 'warn',
      message,
      fields: stream === 1 ? STDOUT : STDERR,
      time,
    });
  };
  let last = 0;
  for (const l of logs) {
    last = l.time;
    if (l.t === 'log') {
      out.push({ level: l.level, message: l.message, fields: l.fields, time: l.time });
      continue;
    }
    let rest = partial[l.stream - 1] + l.text;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
      line(l.stream, rest.slice(0, nl), l.time);
      rest = rest.slice(nl + 1);
    }
    partial[l.stream - 1] = rest;
  }
  if (partial[0] !== '') line(1, partial[0]!, last);
  if (partial[1] !== '') line(2, partial[1]!, last);
  return out;
}
