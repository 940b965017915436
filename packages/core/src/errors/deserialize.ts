/**
 * @module
 * Rebuilding an error from its plain form (`serializeError`) after it
 * crossed a thread, a process or a machine. An error whose code is in the
 * catalogue comes back as an instance of its class (`instanceof` works), with
 * its name, message, stack, cause and fields; one with another `WEFT_` code
 * (a newer weft, a plugin not loaded here) as a `RemoteError`; any other
 * error as a plain `Error` with its fields.
 */
import { type SerializedError, WeftError } from './base.ts';
import { ERROR_CATALOGUE, type ErrorClass } from './catalogue.ts';
import { InvalidOptionError } from './run.ts';

/** A weft error whose code this process does not know. */
export class RemoteError extends WeftError {}

const classes = new Map<string, ErrorClass>(
  Object.entries(ERROR_CATALOGUE).map(([code, e]) => [code, e.class]),
);

/**
 * Adds error classes by code (plugins: `WEFT_QUEUE_*`, ...), so that their
 * errors are rebuilt as instances of their classes. A code already
 * registered to another class is refused.
 */
export function registerErrorClasses(entries: Readonly<Record<string, ErrorClass>>): void {
  for (const [code, cls] of Object.entries(entries)) {
    const known = classes.get(code);
    if (known !== undefined && known !== cls) {
      throw new InvalidOptionError(`error code ${code} is already registered to ${known.name}`);
    }
    classes.set(code, cls);
  }
}

/** The class registered for `code`, if any. */
export function errorClassOf(code: string): ErrorClass | undefined {
  return classes.get(code);
}

/** Rebuilds an error from its plain form; see the module. */
export function deserializeError(plain: SerializedError): Error {
  const cause = plain.cause ? deserializeError(plain.cause) : undefined;
  const cls = plain.code === undefined ? undefined : classes.get(plain.code);
  let error: Error;
  if (cls !== undefined) {
    // Not through the constructor, whose parameters differ per class: the
    // instance gets the class's prototype and the original's own fields.
    error = Object.create(cls.prototype) as Error;
    define(error, 'message', plain.message);
    define(error, 'code', plain.code);
    if (cause !== undefined) define(error, 'cause', cause);
  } else if (plain.code?.startsWith('WEFT_')) {
    error = new RemoteError(plain.code, plain.message, { cause });
  } else {
    error = new Error(plain.message, { cause });
    if (plain.code !== undefined) Object.assign(error, { code: plain.code });
  }
  define(error, 'name', plain.name);
  define(error, 'stack', plain.stack);
  if (plain.data) Object.assign(error, plain.data);
  return error;
}

function define(error: Error, key: string, value: unknown): void {
  Object.defineProperty(error, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: key === 'code',
  });
}
