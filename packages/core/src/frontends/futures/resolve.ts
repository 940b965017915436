/**
 * @module
 * Main's value with its futures replaced by their values, and the event
 * stream of a run that already ended.
 */
import type { RunEvent } from '../../events/events.ts';
import { Future } from './future.ts';

/**
 * Main's value with every future in it (also inside arrays and plain
 * objects, at any depth) replaced by its value. Arrays and plain objects are
 * copied when they hold a future, keeping their shape: holes stay holes, an
 * object without a prototype stays so, a structure shared in two places or
 * containing itself is copied once and stays shared or circular. Anything
 * else (class instances, maps) is kept as it is.
 */
export async function resolveFutures(value: unknown): Promise<unknown> {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Future) return await value;
  const futures: Future[] = [];
  if (!collect(value, futures, new Set())) return value;
  const values = await Promise.all(futures);
  const of = new Map<Future, unknown>();
  for (let i = 0; i < futures.length; i++) of.set(futures[i]!, values[i]);
  return copy(value, of, new Map());
}

function walkable(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Gathers the futures under `value`; true when there is one. */
function collect(value: object, futures: Future[], seen: Set<object>): boolean {
  if (seen.has(value)) return false;
  seen.add(value);
  let found = false;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v !== 'object' || v === null) continue;
    if (v instanceof Future) {
      futures.push(v);
      found = true;
    } else if (walkable(v) && collect(v, futures, seen)) found = true;
  }
  return found;
}

/** A copy of `value` with futures replaced, memoised so shared and circular parts stay so. */
function copy(
  value: unknown,
  of: ReadonlyMap<Future, unknown>,
  copies: Map<object, unknown>,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Future) return of.get(value);
  if (!walkable(value)) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  const out: Record<string, unknown> = Array.isArray(value)
    ? (new Array(value.length) as unknown as Record<string, unknown>)
    : Object.create(Object.getPrototypeOf(value) as object | null);
  copies.set(value, out);
  // Own enumerable keys only: holes of an array are absent, and stay so.
  for (const key of Object.keys(value)) {
    out[key] = copy((value as Record<string, unknown>)[key], of, copies);
  }
  return out;
}

export function emptyStream(): AsyncIterable<RunEvent> {
  return { async *[Symbol.asyncIterator]() {} };
}
