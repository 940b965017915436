/**
 * @module
 * The planner's table of jobs: one job per rule application (a rule's
 * implementation with its wildcards' values), numbered from 0, with its
 * per-job numbers in typed arrays that grow by doubling, and its needs'
 * resolved ids in one flat array. A million jobs cost a few arrays, not a
 * million objects of weft's own (the needs lists are the rules').
 */
import type { NeedsShape } from './model.ts';
import type { RuleImpl } from './rule.ts';

/** A need that is a file no rule makes (a source). */
export const SOURCE = -1;
/** A need recorded from a step's `need()` that cannot be made now (it counts as changed). */
export const UNKNOWN = -2;

/** What is known of a job. */
export const NEW = 0;
/** On the planner's path now: a need that reaches it again closes a cycle. */
export const VISITING = 1;
/** Up to date: it does not run. */
export const FRESH = 2;
/** It runs: its step is (or will be) a node. */
export const STALE = 3;
/** It ran in this build and succeeded. */
export const BUILT = 4;
/** It ran in this build and did not succeed. */
export const FAILED = 5;

const NO_SHAPE: NeedsShape = 1;

export class JobTable {
  size = 0;
  /** The job's target: its rule's first output (the state's name). */
  target: string[] = [];
  impl: RuleImpl[] = [];
  /** Its wildcards' values, in the order of its rule's names. */
  values: (readonly string[])[] = [];
  /** Its needs, flat: the rule's, then those its step asked for when it last ran. */
  needs: (readonly string[])[] = [];
  /** How many of its needs are the rule's (the others were asked for by its step). */
  statics = new Int32Array(1024);
  shape: NeedsShape[] = [];
  status = new Uint8Array(1024);
  /** Why it runs (a `Reason`), 0 when it does not. */
  reason = new Uint8Array(1024);
  /** The job that first asked for it, -1 for a request. */
  askedBy = new Int32Array(1024);
  /** Its node in the run's graph, -1 for none. */
  node = new Int32Array(1024);
  /** Where its resolved needs start in `deps`. */
  depStart = new Int32Array(1024);
  /** How many of its needs the planner has resolved so far. */
  cursor = new Int32Array(1024);
  /** Resolved needs: a job id, or `SOURCE`. */
  deps = new Int32Array(4096);
  depTop = 0;

  /** A new job; returns its id. */
  add(
    target: string,
    impl: RuleImpl,
    values: readonly string[],
    needs: readonly string[],
    statics: number,
    shape: NeedsShape,
    askedBy: number,
  ): number {
    const j = this.size++;
    if (j === this.status.length) this.#grow();
    this.statics[j] = statics;
    this.target.push(target);
    this.impl.push(impl);
    this.values.push(values);
    this.needs.push(needs);
    this.shape.push(shape === NO_SHAPE ? NO_SHAPE : shape);
    this.askedBy[j] = askedBy;
    this.node[j] = -1;
    this.depStart[j] = this.depTop;
    this.depTop += needs.length;
    if (this.depTop > this.deps.length) {
      let n = this.deps.length * 2;
      while (n < this.depTop) n *= 2;
      const deps = new Int32Array(n);
      deps.set(this.deps);
      this.deps = deps;
    }
    return j;
  }

  #grow(): void {
    const n = this.status.length * 2;
    const u8 = (a: Uint8Array): Uint8Array<ArrayBuffer> => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.status = u8(this.status);
    this.reason = u8(this.reason);
    this.askedBy = i32(this.askedBy);
    this.node = i32(this.node);
    this.depStart = i32(this.depStart);
    this.statics = i32(this.statics);
    this.cursor = i32(this.cursor);
  }
}
