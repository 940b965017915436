/**
 * @module
 * The worker's own log: one line per record on its standard error,
 * `weft worker host:pid: message key=value`, written through the stream's
 * own write (tasks' output is captured and goes to their coordinators;
 * what the worker says of itself must not). Debug records only with
 * `--verbose`.
 */
import { createLogger, type Logger, type LogRecord } from '@weft/core';

/** A logger for the worker named `label`, writing with `write`. */
export function workerLogger(
  label: string,
  write: (text: string) => void,
  verbose: boolean,
): Logger {
  return createLogger((record: LogRecord) => {
    if (record.level === 'debug' && !verbose) return;
    const level = record.level === 'info' ? '' : `${record.level}: `;
    const fields =
      record.fields === undefined
        ? ''
        : Object.entries(record.fields)
            .map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join('');
    write(`${new Date().toISOString()} weft worker ${label}: ${level}${record.message}${fields}\n`);
  });
}
