/**
 * @module
 * What can cross to a worker and back. Arguments and results travel by
 * structured serialization (the HTML structured clone algorithm, as
 * `postMessage` and `child_process` with `serialization: 'advanced'` use
 * it). It throws on functions and symbols, and silently turns a class
 * instance into a plain object without its methods; weft refuses all of
 * these up front, with the task's name and the value's path.
 *
 * The same walk finds the futures among a worker's submit arguments.
 */

import { UnserializableValueError } from '../../errors/worker.ts';
import { isNodeOutput } from '../../vocabulary/node.ts';

/** A key on the way to a value: an index, a property, or (prefixed with `\0`) text as is. */
export type PathPart = string | number;

/** What the walk does besides checking. */
export interface WalkOptions {
  /** True for a future: allowed as is in arrays and plain objects, not walked into. */
  readonly isFuture?: (value: object) => boolean;
  /** Called with the path of each future (a copy) and the future. */
  readonly onFuture?: (path: PathPart[], future: object) => void;
}

/** Where a value that cannot cross sits, and what it is. */
export interface Unserializable {
  readonly path: string;
  readonly what: string;
}

const isApiFuture = (value: object): boolean => isNodeOutput(value);

/**
 * Throws `UnserializableValueError` naming `taskName` and the path (`args[1].conn`)
 * of the first value in `args` that cannot be sent to a worker: a function,
 * a symbol, a promise, a class instance with methods, a host object (a
 * socket, a stream). Futures are allowed: they are replaced by their values
 * before the task runs. What the run calls at submit for executors whose
 * `remote` is true.
 * @example
 * checkSerializable([{ rows }, socket], 'load'); // throws: task load: args[1] is an instance of Socket ...
 */
export function checkSerializable(args: readonly unknown[], taskName: string): void {
  const bad = findUnserializable(args, 'args', { isFuture: isApiFuture });
  if (bad !== undefined) throw new UnserializableValueError(taskName, bad.path, bad.what);
}

/** The first value under `root` that cannot cross, or undefined when all can. */
export function findUnserializable(
  root: unknown,
  rootName: string,
  options: WalkOptions = {},
): Unserializable | undefined {
  if (typeof root !== 'object' && typeof root !== 'function' && typeof root !== 'symbol') {
    return undefined; // the common case: a primitive
  }
  const path: PathPart[] = [];
  const seen = new Set<object>();
  const what = walk(root, path, seen, options, true);
  return what === undefined ? undefined : { path: formatPath(rootName, path), what };
}

/** Renders `['rows', 2]` under `args` as `args.rows[2]`. */
export function formatPath(root: string, path: readonly PathPart[]): string {
  let out = root;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (part.startsWith('\0')) out += part.slice(1);
    else out += /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`;
  }
  return out;
}

function walk(
  value: unknown,
  path: PathPart[],
  seen: Set<object>,
  o: WalkOptions,
  futuresAllowed: boolean,
): string | undefined {
  switch (typeof value) {
    case 'function':
      return `a function (${value.name || 'anonymous'})`;
    case 'symbol':
      return `a symbol (${value.toString()})`;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol') continue;
      path.push(i);
      const bad = walk(v, path, seen, o, futuresAllowed);
      if (bad !== undefined) return bad;
      path.pop();
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) return walkKeys(value, path, seen, o, true);
  if (futuresAllowed && o.isFuture?.(value)) {
    o.onFuture?.([...path], value);
    return undefined;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return undefined;
  if (
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error ||
    value instanceof SharedArrayBuffer ||
    value instanceof Blob ||
    value instanceof Boolean ||
    value instanceof Number ||
    value instanceof String
  ) {
    return undefined;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      path.push(`\0.keys()[${i}]`);
      const badKey = walk(k, path, seen, o, false);
      if (badKey !== undefined) return badKey;
      path.pop();
      path.push(`\0.values()[${i++}]`);
      const badValue = walk(v, path, seen, o, false);
      if (badValue !== undefined) return badValue;
      path.pop();
    }
    return undefined;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const v of value) {
      path.push(`\0.values()[${i++}]`);
      const bad = walk(v, path, seen, o, false);
      if (bad !== undefined) return bad;
      path.pop();
    }
    return undefined;
  }
  const name = (value as { constructor?: { name?: string } }).constructor?.name || 'a class';
  if (value instanceof Promise || typeof (value as { then?: unknown }).then === 'function') {
    return `a promise (${name}); pass a future from submit(), or await the value first`;
  }
  if (hasMethods(proto)) {
    return `an instance of ${name}, whose methods would be lost (a class instance or host object such as a socket)`;
  }
  // A class with data only arrives as a plain object with the same fields.
  return walkKeys(value, path, seen, o, futuresAllowed);
}

function walkKeys(
  value: object,
  path: PathPart[],
  seen: Set<object>,
  o: WalkOptions,
  futuresAllowed: boolean,
): string | undefined {
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = (value as Record<string, unknown>)[key];
    if (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol') continue;
    path.push(key);
    const bad = walk(v, path, seen, o, futuresAllowed);
    if (bad !== undefined) return bad;
    path.pop();
  }
  return undefined;
}

const methodsOf = new WeakMap<object, boolean>();

/** True when a prototype chain (below Object.prototype) defines methods or accessors. */
function hasMethods(proto: object | null): boolean {
  if (proto === null || proto === Object.prototype) return false;
  let known = methodsOf.get(proto);
  if (known === undefined) {
    known =
      Object.getOwnPropertyNames(proto).some((key) => {
        if (key === 'constructor') return false;
        const d = Object.getOwnPropertyDescriptor(proto, key)!;
        return typeof d.value === 'function' || d.get !== undefined || d.set !== undefined;
      }) || hasMethods(Object.getPrototypeOf(proto) as object | null);
    methodsOf.set(proto, known);
  }
  return known;
}
