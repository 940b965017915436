/**
 * @module
 * The graph of an instance: task references resolved to positions, edges
 * from `parents` and from `children` together (files often list only one
 * side, and `children` is the mirror of `parents` where both are given),
 * each edge once, and the tasks sorted topologically (files do not list
 * them in that order). A reference is looked up by the version's key (1.5:
 * id; before: name), then by the other (1.5: name, when one task has it;
 * before: the short id), so files whose parents use the other one read too.
 */
import { WfFormatInstanceError } from '../../errors/wfformat.ts';
import type { RawTask } from './layouts.ts';
import type { WfTask } from './model.ts';

/** The tasks in topological order (ties in file order), with their edges; and the edge count. */
export function buildGraph(
  raw: readonly RawTask[],
  file: string,
): { tasks: WfTask[]; edges: number } {
  const n = raw.length;
  const byKey = new Map<string, number>();
  raw.forEach((t, i) => {
    const first = byKey.get(t.key);
    if (first !== undefined) {
      const field = t.where.includes('specification') ? 'id' : 'name';
      throw new WfFormatInstanceError(
        { file, task: t.key, field },
        `two tasks have it (${raw[first]!.where} and ${t.where}); it must be unique`,
      );
    }
    byKey.set(t.key, i);
  });
  const byAlt = new Map<string, number>();
  raw.forEach((t, i) => {
    if (t.alt === undefined || byKey.has(t.alt)) return;
    // An alternative name two tasks share resolves to neither.
    byAlt.set(t.alt, byAlt.has(t.alt) ? -1 : i);
  });
  const find = (t: RawTask, ref: string, field: string): number => {
    const i = byKey.get(ref) ?? byAlt.get(ref);
    if (i === undefined || i < 0) {
      throw new WfFormatInstanceError(
        { file, task: t.key, field },
        `names ${JSON.stringify(ref)}, which is no task of the instance${i === -1 ? ' (several tasks have that name; use ids)' : ''}`,
      );
    }
    return i;
  };
  const parents: Set<number>[] = raw.map(() => new Set());
  raw.forEach((t, i) => {
    t.parents.forEach((ref, j) => {
      const p = find(t, ref, `parents[${j}]`);
      if (p === i) cycle(file, raw, [i]);
      parents[i]!.add(p);
    });
    t.children.forEach((ref, j) => {
      const c = find(t, ref, `children[${j}]`);
      if (c === i) cycle(file, raw, [i]);
      parents[c]!.add(i);
    });
  });
  const order = topological(parents, n);
  if (order.length < n) cycle(file, raw, findCycle(parents, order, n));
  const position = new Int32Array(n);
  order.forEach((i, pos) => {
    position[i] = pos;
  });
  const children: number[][] = order.map(() => []);
  let edges = 0;
  const tasks = order.map((i, pos) => {
    const ps = [...parents[i]!].map((p) => position[p]!).sort((a, b) => a - b);
    for (const p of ps) children[p]!.push(pos);
    edges += ps.length;
    const { key, alt: _alt, parents: _p, children: _c, ...rest } = raw[i]!;
    return { ...rest, id: key, parents: ps, children: children[pos]! };
  });
  return { tasks, edges };
}

/** Kahn's algorithm, taking ready tasks in file order. */
function topological(parents: readonly Set<number>[], n: number): number[] {
  const waiting = new Int32Array(n);
  const kids: number[][] = parents.map(() => []);
  parents.forEach((ps, i) => {
    waiting[i] = ps.size;
    for (const p of ps) kids[p]!.push(i);
  });
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (waiting[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const k of kids[order[head]!]!) if (--waiting[k]! === 0) order.push(k);
  }
  return order;
}

/** A cycle among the tasks Kahn's algorithm could not order: follow parents until one repeats. */
function findCycle(
  parents: readonly Set<number>[],
  ordered: readonly number[],
  n: number,
): number[] {
  const done = new Uint8Array(n);
  for (const i of ordered) done[i] = 1;
  let at = done.indexOf(0);
  const seen = new Map<number, number>();
  const path: number[] = [];
  while (!seen.has(at)) {
    seen.set(at, path.length);
    path.push(at);
    at = [...parents[at]!].find((p) => done[p] === 0)!;
  }
  return path.slice(seen.get(at)).reverse();
}

function cycle(file: string, raw: readonly RawTask[], loop: readonly number[]): never {
  const keys = loop.map((i) => raw[i]!.key);
  const first = raw[loop[0]!]!;
  throw new WfFormatInstanceError(
    { file, task: first.key, field: 'parents' },
    `the tasks form a cycle: ${[...keys, keys[0]].join(' -> ')}`,
  );
}
