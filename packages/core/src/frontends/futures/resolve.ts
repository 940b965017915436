/**
 * @module
 * Main's value with its futures replaced by their values, and the event
 * stream of a run that already ended.
 */
import type { RunEvent } from '../../events/events.ts';
import { Future } from './future.ts';

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

export function emptyStream(): AsyncIterable<RunEvent> {
  return { async *[Symbol.asyncIterator]() {} };
}
