/**
 * @module
 * Small pieces of `run()`: resolving the futures in main's value, messages,
 * and run ids.
 */
import { randomBytes } from 'node:crypto';
import { describeValue } from '../errors/base.ts';
import { NotATaskError } from '../errors/errors.ts';
import type { RunEvent } from '../events/events.ts';
import { Future } from '../frontends/futures/future.ts';

/** Main's value with every future (also inside arrays and plain objects) replaced by its value. */
export async function resolveFutures(value: unknown): Promise<unknown> {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Future) return await value;
  if (Array.isArray(value)) return Promise.all(value.map(resolveFutures));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const entries = await Promise.all(
    Object.entries(value).map(async ([k, v]) => [k, await resolveFutures(v)] as const),
  );
  return Object.fromEntries(entries);
}

export function notATask(value: unknown): NotATaskError {
  const what = describeValue(value);
  const hint =
    typeof value === 'function'
      ? ` Wrap it: export const ${value.name || 'myTask'} = task('${value.name || 'myTask'}', async (ctx, ...args) => ...)`
      : '';
  return new NotATaskError(`submit() expects a task made with task(), got ${what}.${hint}`);
}

export function emptyStream(): AsyncIterable<RunEvent> {
  return { async *[Symbol.asyncIterator]() {} };
}

/** A new run id: time-ordered, then random. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
