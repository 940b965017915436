/**
 * @module
 * Finding the node outputs (futures, for one) in a node's arguments (top
 * level, and inside arrays and plain objects) when it is added, and
 * replacing them by the nodes' values at dispatch.
 */
import { describeValue } from '../errors/base.ts';
import { InvalidArgumentError } from '../errors/run.ts';
import { NODE_OUTPUT, type NodeGraph, type NodeOutput } from '../vocabulary/node.ts';

/** How much work resolving a node's arguments takes. */
export const ARGS_PLAIN = 0;
export const ARGS_TOP_FUTURES = 1;
export const ARGS_NESTED_FUTURES = 2;
/**
 * Every argument is a distinct node output: the run keeps no argument list,
 * it rebuilds it from the node's inputs at dispatch, so neither the list nor
 * the outputs in it outlive the call that added the node.
 */
export const ARGS_ONLY_FUTURES = 3;

/**
 * The node ids already in the list being collected (for one node at a
 * time): a mark per id, so that a node over 200,000 inputs costs 200,000
 * steps, not 200,000 squared.
 */
class SeenIds {
  #marks = new Int32Array(1024);
  #epoch = 0;

  /** Starts the list of another node. */
  next(): void {
    if (++this.#epoch === 0x7fffffff) {
      this.#marks.fill(0);
      this.#epoch = 1;
    }
  }

  /** True when `id` is new to the current list (it is marked). */
  add(id: number): boolean {
    if (id >= this.#marks.length) {
      const next = new Int32Array(Math.max(id + 1, this.#marks.length * 2));
      next.set(this.#marks);
      this.#marks = next;
    }
    if (this.#marks[id] === this.#epoch) return false;
    this.#marks[id] = this.#epoch;
    return true;
  }
}

const seen = new SeenIds();

/**
 * Appends `id` to `deps` unless it is there: `deps` is the list that
 * `scanArgs` filled last (explicit dependencies join it after).
 */
export function addDep(deps: number[], id: number): void {
  if (seen.add(id)) deps.push(id);
}

/**
 * Scans `args` for node outputs of `graph`, appending the ids they stand
 * for to `deps` (each once; `deps` starts empty), and returns how deep
 * they sit (`ARGS_*`).
 * Throws `InvalidArgumentError` naming the task and the argument's path for
 * a promise (which would hide an edge) or an output of another run.
 */
export function scanArgs(
  args: readonly unknown[],
  host: NodeGraph,
  task: string,
  deps: number[],
): number {
  let kind = ARGS_PLAIN;
  let futures = 0;
  seen.next();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'object' || a === null) continue;
    if (isOutput(a)) {
      checkHost(a, host, task, `args[${i}]`);
      addDep(deps, a.ref);
      futures++;
      if (kind === ARGS_PLAIN) kind = ARGS_TOP_FUTURES;
    } else if (Array.isArray(a) || isPlainObject(a) || isThenable(a)) {
      if (scanNested(a, host, task, `args[${i}]`, deps, new Set())) kind = ARGS_NESTED_FUTURES;
    }
  }
  return kind === ARGS_TOP_FUTURES && futures === args.length && deps.length === futures
    ? ARGS_ONLY_FUTURES
    : kind;
}

function scanNested(
  value: object,
  host: NodeGraph,
  task: string,
  path: string,
  deps: number[],
  seen: Set<object>,
): boolean {
  if (isThenable(value)) {
    // Refused here, the promise has no one left to observe it: its later
    // rejection (a cancelled input, say) must not crash the process.
    if (value instanceof Promise) value.catch(() => {});
    throw new InvalidArgumentError(
      task,
      path,
      `task ${task}: ${path} is a ${describeValue(value).replace('instance of ', '')} (a promise or thenable); ` +
        'pass a future from submit(), await the value before submitting, or take part of a ' +
        "future's value with future.get('key')",
    );
  }
  if (seen.has(value)) return false;
  seen.add(value);
  let found = false;
  const visit = (v: unknown, p: string): void => {
    if (typeof v !== 'object' || v === null) return;
    if (isOutput(v)) {
      checkHost(v, host, task, p);
      addDep(deps, v.ref);
      found = true;
    } else if (Array.isArray(v) || isPlainObject(v) || isThenable(v)) {
      if (scanNested(v, host, task, p, deps, seen)) found = true;
    }
  };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) visit(value[i], `${path}[${i}]`);
  } else {
    for (const key of Object.keys(value))
      visit((value as Record<string, unknown>)[key], `${path}.${key}`);
  }
  return found;
}

function checkHost(f: NodeOutput, host: NodeGraph, task: string, path: string): void {
  const graph = f[NODE_OUTPUT];
  if (graph !== host) {
    throw new InvalidArgumentError(
      task,
      path,
      `task ${task}: ${path} is a future of run ${graph.runId}, not of this run (${host.runId}); ` +
        'pass its value (await it) instead',
    );
  }
}

function isOutput(v: object): v is NodeOutput {
  return (v as Partial<NodeOutput>)[NODE_OUTPUT] !== undefined;
}

/**
 * Replaces every future in `args` by its value: in place at the top level
 * (the list belongs to the run) and by copy below it (those containers are
 * the caller's).
 */
export function resolveArgs(
  args: unknown[],
  kind: number,
  lookup: (id: number) => unknown,
): unknown[] {
  if (kind === ARGS_PLAIN) return args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'object' && a !== null && isOutput(a)) args[i] = lookup(a.ref);
    else if (kind === ARGS_NESTED_FUTURES) args[i] = resolveNested(a, lookup);
  }
  return args;
}

function resolveNested(
  value: unknown,
  lookup: (id: number) => unknown,
  copies?: Map<object, unknown>,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isOutput(value)) return lookup(value.ref);
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) return value;
  // Copies are memoised so that shared and circular structures stay so.
  copies ??= new Map();
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (isArray) {
    const out: unknown[] = [];
    copies.set(value, out);
    for (const v of value) out.push(resolveNested(v, lookup, copies));
    return out;
  }
  const out: Record<string, unknown> = {};
  copies.set(value, out);
  for (const key of Object.keys(value)) {
    out[key] = resolveNested((value as Record<string, unknown>)[key], lookup, copies);
  }
  return out;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isThenable(v: object): boolean {
  return typeof (v as { then?: unknown }).then === 'function';
}
