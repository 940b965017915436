/**
 * @module
 * What identifies a submission's arguments across runs: a short key for a
 * few small primitives, else a hash of their structured serialization.
 * Node outputs (futures) stand for their position among the task's inputs: their values
 * are identified by the inputs' own records, not hashed here.
 */

import { ARGS_ONLY_FUTURES, ARGS_PLAIN } from '../scheduler/args.ts';
import { hashValue } from '../util/hash.ts';
import { isNodeOutput } from '../vocabulary/node.ts';

/** The key of an argument list with nothing but futures (or nothing at all). */
export const NO_PLAIN_ARGS = '-';

const MAX_SHORT = 96;

/**
 * The arguments' key, or undefined when they cannot be serialized (a
 * function, say): such a submission never matches a recorded one.
 * @example
 * argsHash([3, 'a'], ARGS_PLAIN); // 'p:n3,s"a"'
 */
export function argsHash(
  args: readonly unknown[],
  kind: number,
  deps: readonly number[],
): string | undefined {
  if (args.length === 0 || kind === ARGS_ONLY_FUTURES) return NO_PLAIN_ARGS;
  if (kind === ARGS_PLAIN) return shortKey(args) ?? hashValue(args);
  const seen = new Set<object>();
  try {
    const position = inputPositions(deps);
    return hashValue(args.map((a) => withoutFutures(a, position, seen)));
  } catch (error) {
    if (error === CIRCULAR) return undefined;
    throw error;
  }
}

/** A structure with futures that contains itself: such arguments are not matched across runs. */
const CIRCULAR = Symbol('circular');

function shortKey(args: readonly unknown[]): string | undefined {
  let key = 'p:';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i > 0) key += ',';
    switch (typeof a) {
      case 'number':
        key += Object.is(a, -0) ? 'n-0' : `n${a}`;
        break;
      case 'string':
        if (a.length > MAX_SHORT) return undefined;
        key += `s${JSON.stringify(a)}`;
        break;
      case 'boolean':
        key += a ? 't' : 'f';
        break;
      case 'undefined':
        key += 'u';
        break;
      case 'bigint':
        key += `b${a}`;
        break;
      default:
        if (a !== null) return undefined;
        key += 'z';
    }
    if (key.length > MAX_SHORT) return undefined;
  }
  return key;
}

/** Each input's position among `deps`: a search in a short list, a map in a long one. */
function inputPositions(deps: readonly number[]): (id: number) => number {
  if (deps.length <= 16) return (id) => deps.indexOf(id);
  const at = new Map<number, number>();
  for (let i = deps.length - 1; i >= 0; i--) at.set(deps[i]!, i);
  return (id) => at.get(id) ?? -1;
}

/** A copy of `value` with each node output replaced by a marker naming its input position. */
function withoutFutures(
  value: unknown,
  position: (id: number) => number,
  seen: Set<object>,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isNodeOutput(value)) return { 'weft:input': position(value.ref) };
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  if (seen.has(value)) throw CIRCULAR;
  seen.add(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map((v) => withoutFutures(v, position, seen));
  else {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) o[k] = withoutFutures(v, position, seen);
    out = o;
  }
  seen.delete(value);
  return out;
}
