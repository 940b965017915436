/**
 * @module
 * The task graph as plain integer arrays: node ids are dense integers, and
 * every edge sits in two singly linked lists (out of its prerequisite, into
 * its dependent), so a node costs a few bytes and an edge sixteen, with no
 * object per node or edge.
 */
import { InternalError } from '../errors/run.ts';

const NONE = -1;

function grow(a: Int32Array<ArrayBuffer>, min: number, fill: boolean): Int32Array<ArrayBuffer> {
  let size = a.length;
  while (size < min) size *= 2;
  const b = new Int32Array(size);
  if (fill) b.fill(NONE, a.length);
  b.set(a);
  return b;
}

export class Graph {
  #nodes = 0;
  #edges = 0;
  #firstOut = new Int32Array(1024).fill(NONE);
  #firstIn = new Int32Array(1024).fill(NONE);
  #from = new Int32Array(1024);
  #to = new Int32Array(1024);
  #nextOut = new Int32Array(1024);
  #nextIn = new Int32Array(1024);

  /** Number of nodes. */
  get size(): number {
    return this.#nodes;
  }

  /** Number of edges. */
  get edgeCount(): number {
    return this.#edges;
  }

  /**
   * Starts numbering at `first`: ids below it are never used (a resumed run
   * continues after the ids its earlier sessions recorded).
   */
  startAt(first: number): void {
    if (this.#nodes !== 0) throw new InternalError('Graph.startAt: the graph already has nodes');
    this.#nodes = first;
    this.#firstOut = grow(this.#firstOut, first + 1, true);
    this.#firstIn = grow(this.#firstIn, first + 1, true);
  }

  /** Adds a node with no edges and returns its id. */
  addNode(): number {
    const id = this.#nodes++;
    if (id === this.#firstOut.length) {
      this.#firstOut = grow(this.#firstOut, id + 1, true);
      this.#firstIn = grow(this.#firstIn, id + 1, true);
    }
    return id;
  }

  /**
   * Adds the edge `from -> to` (`to` depends on `from`) without looking for a
   * cycle: for callers that know `from` existed before `to` was created.
   */
  addEdge(from: number, to: number): void {
    const e = this.#edges++;
    if (e === this.#from.length) {
      this.#from = grow(this.#from, e + 1, false);
      this.#to = grow(this.#to, e + 1, false);
      this.#nextOut = grow(this.#nextOut, e + 1, false);
      this.#nextIn = grow(this.#nextIn, e + 1, false);
    }
    this.#from[e] = from;
    this.#to[e] = to;
    this.#nextOut[e] = this.#firstOut[from]!;
    this.#firstOut[from] = e;
    this.#nextIn[e] = this.#firstIn[to]!;
    this.#firstIn[to] = e;
  }

  /**
   * The path `to -> ... -> from` when adding `from -> to` would close a cycle,
   * else undefined. Linear in the part of the graph reachable from `to`.
   */
  pathBetween(to: number, from: number): number[] | undefined {
    if (to === from) return [to];
    const parent = new Map<number, number>([[to, NONE]]);
    const stack = [to];
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (let e = this.#firstOut[u]!; e !== NONE; e = this.#nextOut[e]!) {
        const v = this.#to[e]!;
        if (parent.has(v)) continue;
        parent.set(v, u);
        if (v === from) {
          const path: number[] = [];
          for (let w = v; w !== NONE; w = parent.get(w)!) path.push(w);
          return path.reverse();
        }
        stack.push(v);
      }
    }
    return undefined;
  }

  /** Calls `visit` with each node that depends directly on `id`. */
  forEachDependent(id: number, visit: (dependent: number) => void): void {
    for (let e = this.#firstOut[id]!; e !== NONE; e = this.#nextOut[e]!) visit(this.#to[e]!);
  }

  /** The ids `id` depends on directly, in the order they were added. */
  prerequisites(id: number): number[] {
    const out: number[] = [];
    for (let e = this.#firstIn[id]!; e !== NONE; e = this.#nextIn[e]!) out.push(this.#from[e]!);
    return out.reverse();
  }

  /** The ids that depend directly on `id`, in the order they were added. */
  dependents(id: number): number[] {
    const out: number[] = [];
    this.forEachDependent(id, (d) => out.push(d));
    return out.reverse();
  }

  /** First edge out of `id`, for allocation-free loops: `for (e = firstOut(id); e >= 0; e = nextOut(e))`. */
  firstOut(id: number): number {
    return this.#firstOut[id]!;
  }

  nextOut(edge: number): number {
    return this.#nextOut[edge]!;
  }

  target(edge: number): number {
    return this.#to[edge]!;
  }

  /** Any cycle in the whole graph, as a list of node ids, else undefined. */
  findCycle(): number[] | undefined {
    const n = this.#nodes;
    const color = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
    const parent = new Int32Array(n).fill(NONE);
    for (let root = 0; root < n; root++) {
      if (color[root] !== 0) continue;
      const stack = [root];
      const edgeAt = new Map<number, number>([[root, this.#firstOut[root]!]]);
      color[root] = 1;
      while (stack.length > 0) {
        const u = stack[stack.length - 1]!;
        const e = edgeAt.get(u)!;
        if (e === NONE) {
          color[u] = 2;
          stack.pop();
          continue;
        }
        edgeAt.set(u, this.#nextOut[e]!);
        const v = this.#to[e]!;
        if (color[v] === 1) {
          // The back edge u -> v closes v -> ... -> u.
          const cycle: number[] = [];
          for (let w = u; w !== v; w = parent[w]!) cycle.push(w);
          cycle.push(v);
          return cycle.reverse();
        }
        if (color[v] === 0) {
          color[v] = 1;
          parent[v] = u;
          edgeAt.set(v, this.#firstOut[v]!);
          stack.push(v);
        }
      }
    }
    return undefined;
  }
}
