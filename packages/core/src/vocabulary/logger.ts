/**
 * @module
 * The logger seam. Library code never writes to the console: it logs through
 * a `Logger`, which a run injects (by default, into the run's event stream).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields attached to a log record. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger. `child` returns one that adds `bindings` to each record. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

/** One log record, as a sink receives it. */
export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A logger that hands every record, with its bindings merged in, to `sink`. */
export function createLogger(sink: (record: LogRecord) => void, bindings?: LogFields): Logger {
  const log = (level: LogLevel, message: string, fields?: LogFields): void => {
    sink({
      level,
      message,
      fields:
        bindings === undefined
          ? fields
          : fields === undefined
            ? bindings
            : { ...bindings, ...fields },
    });
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (more) => createLogger(sink, bindings === undefined ? more : { ...bindings, ...more }),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger(() => {});
