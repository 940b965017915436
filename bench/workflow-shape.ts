/**
 * @module
 * A real workflow's shape for the benchmarks: a WfCommons instance (a file
 * of `../shared/wfinstances`, WfFormat 1.x) when one is given, else a
 * generator of the shape of Montage (2MASS) at 2,122 tasks and 6,114 edges:
 * N mProject tasks, M mDiffFit tasks on pairs of overlapping projections,
 * an mConcatFit over all fits, mBgModel, N mBackground (each after its
 * projection and the model), mImgtbl and mAdd over all backgrounds, and
 * mViewer. `replicate` copies it side by side to reach a size.
 */
import { readFileSync } from 'node:fs';

/** A graph: each task's name and the indices of its parents (all earlier). */
export interface Shape {
  readonly names: readonly string[];
  readonly parents: readonly (readonly number[])[];
}

/** Montage's shape with `images` projections and `fits` overlapping pairs. */
export function montage(images = 120, fits = 1877): Shape {
  const names: string[] = [];
  const parents: number[][] = [];
  const add = (name: string, ps: number[]): number => {
    names.push(name);
    parents.push(ps);
    return names.length - 1;
  };
  const project = Array.from({ length: images }, () => add('mProject', []));
  // Pairs of nearby images overlap: the k-th fit takes image i and one of its neighbours.
  const diff: number[] = [];
  for (let k = 0; k < fits; k++) {
    const i = k % images;
    const j = (i + 1 + Math.floor(k / images)) % images;
    diff.push(add('mDiffFit', [project[i]!, project[j]!]));
  }
  const concat = add('mConcatFit', diff);
  const model = add('mBgModel', [concat]);
  const background = project.map((p) => add('mBackground', [p, model]));
  const table = add('mImgtbl', background);
  const mosaic = add('mAdd', [table, ...background]);
  add('mViewer', [mosaic]);
  return { names, parents };
}

/** A WfCommons instance's shape (WfFormat 1.x: `workflow.tasks` or `workflow.specification.tasks`, or `jobs`). */
export function fromInstance(path: string): Shape {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as {
    workflow: {
      tasks?: { name: string; id?: string; parents?: string[] }[];
      jobs?: { name: string; id?: string; parents?: string[] }[];
      specification?: { tasks: { name: string; id: string; parents?: string[] }[] };
    };
  };
  const list = doc.workflow.specification?.tasks ?? doc.workflow.tasks ?? doc.workflow.jobs ?? [];
  const index = new Map<string, number>();
  for (let i = 0; i < list.length; i++) index.set(list[i]!.id ?? list[i]!.name, i);
  // Parents first: a topological order of the file's tasks.
  const order: number[] = [];
  const state = new Uint8Array(list.length);
  const visit = (i: number): void => {
    if (state[i] === 2) return;
    state[i] = 2;
    for (const p of list[i]!.parents ?? []) visit(index.get(p)!);
    order.push(i);
  };
  for (let i = 0; i < list.length; i++) visit(i);
  const position = new Map<number, number>();
  for (let k = 0; k < order.length; k++) position.set(order[k]!, k);
  return {
    names: order.map((i) => list[i]!.name.replace(/_ID\d+$/, '')),
    parents: order.map((i) => (list[i]!.parents ?? []).map((p) => position.get(index.get(p)!)!)),
  };
}

/** `copies` copies of `shape`, side by side. */
export function replicate(shape: Shape, copies: number): Shape {
  const names: string[] = [];
  const parents: number[][] = [];
  const n = shape.names.length;
  for (let c = 0; c < copies; c++) {
    for (let i = 0; i < n; i++) {
      names.push(shape.names[i]!);
      parents.push(shape.parents[i]!.map((p) => p + c * n));
    }
  }
  return { names, parents };
}

/** How many edges. */
export function edgeCount(shape: Shape): number {
  return shape.parents.reduce((a, p) => a + p.length, 0);
}
