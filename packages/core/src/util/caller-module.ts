/**
 * @module
 * The module that called a function, read from the stack: where a worker in
 * another thread or process imports a task from.
 */
import { pathToFileURL } from 'node:url';

const FRAME = /(?:\(|at )((?:file:|\/)[^)]*?):\d+:\d+\)?\s*$/;

/**
 * The URL of the module whose code called `fn`, or undefined when the stack
 * does not say (code evaluated from a string, say).
 * @example
 * export function command(...) { const module = callerModule(command); ... }
 */
export function callerModule(fn: Function): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  Error.captureStackTrace(holder, fn);
  Error.stackTraceLimit = limit;
  const frame = holder.stack?.split('\n')[1];
  const m = frame === undefined ? null : FRAME.exec(frame);
  if (m === null) return undefined;
  return m[1]!.startsWith('/') ? pathToFileURL(m[1]!).href : m[1];
}
