/**
 * @module
 * A plan attached to a run: each job that runs becomes a node of the run's
 * graph, added through the `NodeGraph` seam once its needs' nodes exist
 * (`after` its file needs' nodes; a named state's value is an edge in its
 * arguments), labelled with its target, with the priority of its longest
 * remaining path among the jobs planned with it (`priorities.ts`). When a node succeeds, its stamps
 * become the target's record, and its rule's `next` (if any) sets the
 * build's next targets. The driver is also the run's `NeedPlanner`: a
 * `need(...)` from any running code is planned here and turned into edges.
 */
import { describeValue } from '../../errors/base.ts';
import { InvalidArgumentError } from '../../errors/run.ts';
import { type NodeGraph, type NodeSpec, outputOf } from '../../vocabulary/node.ts';
import { serializeValue } from './build-log.ts';
import { valueHash } from './files.ts';
import { codeOf, reasonText, staticNeeds } from './freshness.ts';
import { BUILT, FAILED, FRESH, SOURCE, STALE } from './jobs.ts';
import type { StepJob, StepResult, ValueBox } from './model.ts';
import { attachPlanner, NEED_TASK, type NeedPlanner, needTask } from './need.ts';
import type { Planner } from './planner.ts';
import { batchPriorities, JobBatch, PriorityTasks } from './priorities.ts';

/** What a build did. */
export interface BuildReport {
  /** The targets asked for. */
  readonly targets: readonly string[];
  /** Their values: a file's path, a named state's value. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Steps that ran. */
  readonly ran: number;
  /** Steps that found their inputs unchanged and did nothing. */
  readonly skipped: number;
  /** Jobs that were up to date when planned. */
  readonly upToDate: number;
  /** The run the steps ran in; undefined when everything was up to date (no run). */
  readonly runId: string | undefined;
}

export class Driver implements NeedPlanner {
  readonly planner: Planner;
  readonly #graph: NodeGraph;
  readonly #jobOfNode = new Map<number, number>();
  /** What each job's step asked for with need(), in order, once each. */
  readonly #asked = new Map<number, Set<string>>();
  /** Nodes added and not final yet, plus `next` functions not handled yet. */
  #open = 0;
  #idle: (() => void) | undefined;
  #error: unknown;
  #failed = false;
  /** Jobs of the planner's order before this one have their nodes (or need none). */
  #addedUpTo = 0;
  readonly #batches = new JobBatch();
  readonly #withPriority = new PriorityTasks();
  ran = 0;
  skipped = 0;

  constructor(planner: Planner, graph: NodeGraph) {
    this.planner = planner;
    this.#graph = graph;
    attachPlanner(graph, this);
  }

  /** Plans `targets` and adds the nodes of the jobs that run; returns what each resolved to. */
  request(targets: readonly string[], from: number, parent: number, root: string): number[] {
    const ids = this.planner.request(targets, from, root);
    this.#addNodes(parent);
    this.#handleFreshNext();
    return ids;
  }

  /** Resolves once every node added is final and every `next` handled; throws what a `next` threw. */
  async settled(): Promise<void> {
    while (this.#open > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    if (this.#failed) throw this.#error;
  }

  /** The value of what `id` (from `request`) resolved to. */
  valueOf(target: string, id: number): unknown {
    if (id === SOURCE || !this.planner.isState(id)) return target;
    return this.planner.valueOf(id);
  }

  // ---- nodes ----

  #addNodes(parent: number): void {
    const { order, jobs } = this.planner;
    const batch: number[] = [];
    for (let k = this.#addedUpTo; k < order.length; k++) {
      const j = order[k]!;
      if (jobs.status[j] === STALE && jobs.node[j]! < 0) batch.push(j);
    }
    if (batch.length > 0) {
      // The batch is a graph known before it runs: longest remaining path first.
      const priorities = batchPriorities(jobs, batch, this.#batches);
      // Jobs are decided needs first, so each node's inputs have their nodes already.
      for (let k = 0; k < batch.length; k++) this.#addNode(batch[k]!, parent, priorities[k]!);
    }
    // Only once every node is added: a request after a refused node tries the rest again.
    this.#addedUpTo = order.length;
  }

  #addNode(j: number, parent: number, priority: number): void {
    const p = this.planner;
    const jobs = p.jobs;
    const needs = staticNeeds(jobs, j);
    const start = jobs.depStart[j]!;
    const files: number[] = [];
    const values: Record<string, ValueBox> = {};
    const after: number[] = [];
    for (let k = 0; k < needs.length; k++) {
      const d = jobs.deps[start + k]!;
      if (d >= 0 && p.isState(d)) values[needs[k]!] = this.#box(d);
      else {
        files.push(k);
        if (d >= 0 && jobs.node[d]! >= 0 && jobs.status[d] !== BUILT) after.push(jobs.node[d]!);
      }
    }
    const record = p.records.get(j);
    const outputs = p.outputsOf(j);
    const job: StepJob = {
      t: jobs.target[j]!,
      w: p.wildcardsOf(j),
      p: p.paramsOf(j),
      i: needs,
      s: jobs.shape[j]!,
      f: files,
      v: values,
      o: outputs,
      r: reasonText(jobs.reason[j]!, p.detailOf(j)),
      ...(record === undefined
        ? {}
        : { prev: { ih: files.map((k) => record.hashes[k]!), oh: record.outputs } }),
    };
    const task = this.#withPriority.of(jobs.impl[j]!.task, priority);
    const node = this.#graph.add({ task, args: [job], after, parent, label: job.t });
    jobs.node[j] = node;
    this.#jobOfNode.set(node, j);
    this.#open++;
    this.#graph.wait(
      node,
      (result) => this.#settle(() => this.#done(j, result as StepResult)),
      () =>
        this.#settle(() => {
          jobs.status[j] = FAILED;
        }),
      -1,
      0,
    );
  }

  /** A named state's value as a step's argument: recorded, or an edge to its node. */
  #box(d: number): ValueBox {
    const jobs = this.planner.jobs;
    const s = jobs.status[d];
    if (s === FRESH || s === BUILT) return { v: this.planner.valueOf(d) };
    return outputOf(this.#graph, jobs.node[d]!) as unknown as ValueBox;
  }

  #settle(f: () => void): void {
    try {
      f();
    } catch (error) {
      this.#fail(error);
    }
    this.#close();
  }

  #close(): void {
    if (--this.#open === 0) {
      // Idle: what succeeded is written now (a run given rules by use() has no end of build).
      this.planner.log.flush();
      const idle = this.#idle;
      this.#idle = undefined;
      idle?.();
    }
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = error;
  }

  /** A step succeeded: its stamps become the target's record; its `next` is handled. */
  #done(j: number, result: StepResult): void {
    const p = this.planner;
    const jobs = p.jobs;
    jobs.status[j] = BUILT;
    const needs = staticNeeds(jobs, j);
    const outputs = p.outputsOf(j);
    const files: string[] = [];
    for (let k = 0; k < needs.length; k++) {
      const d = jobs.deps[jobs.depStart[j]! + k]!;
      if (d < 0 || !p.isState(d)) files.push(needs[k]!);
    }
    result.is.forEach((s, k) => {
      p.log.setFile(files[k]!, s);
    });
    result.os.forEach((s, k) => {
      p.log.setFile(outputs[k]!, s);
      p.files.forget(outputs[k]!);
    });
    if (result.skipped === true) {
      this.skipped++;
      return;
    }
    this.ran++;
    const impl = jobs.impl[j]!;
    const code = codeOf(impl);
    const state = impl.rule.kind === 'state';
    if (state) p.setValue(j, result.v);
    const args = p.argsHashOf(j);
    // Unhashable code or params: no record, so the next build runs it again.
    if (code !== undefined && args !== undefined) {
      let f = 0;
      const hashes = needs.map((_, k) => {
        const d = jobs.deps[jobs.depStart[j]! + k]!;
        return d >= 0 && p.isState(d) ? p.valueHashOf(d) : (result.is[f++]?.[4] ?? '');
      });
      const asked = [...(this.#asked.get(j) ?? [])];
      for (const t of asked) hashes.push(this.#hashNow(t));
      p.log.setTarget(jobs.target[j]!, {
        code:
          impl.version === undefined && impl.code.run === undefined ? (result.c ?? '') : code.code,
        module: code.module,
        impl: impl.label,
        args,
        valueHash: state ? (valueHash(result.v) ?? '') : '',
        value: state ? serializeValue(result.v) : '',
        needs: asked.length === 0 ? needs : needs.concat(asked),
        statics: needs.length,
        hashes,
        outputs: result.os.map((s) => s[4]),
      });
    }
    if (impl.rule.next !== undefined) this.#next(j);
  }

  /** A target's hash now (it was built, or found up to date, in this build). */
  #hashNow(t: string): string {
    const p = this.planner;
    const id = p.idOf(t);
    if (id !== undefined && id >= 0 && p.isState(id)) return p.valueHashOf(id);
    p.files.forget(t);
    return p.files.hash(t) ?? '';
  }

  // ---- next targets ----

  #next(j: number): void {
    this.#open++;
    // Planned on a later turn: never inside the scheduler's own bookkeeping of a node's end.
    queueMicrotask(() =>
      this.#settle(() => {
        const target = this.planner.jobs.target[j]!;
        this.request(
          this.planner.nextOf(j),
          -1,
          -1,
          `the next targets of ${JSON.stringify(target)}`,
        );
      }),
    );
  }

  /** Jobs decided up to date whose rule has `next`: their value is known now. */
  #handleFreshNext(): void {
    const p = this.planner;
    while (p.nextHandled < p.nextReady.length) this.#next(p.nextReady[p.nextHandled++]!);
  }

  // ---- need() ----

  expandNeed(spec: NodeSpec): NodeSpec {
    const [list, single] = spec.args as [unknown, unknown];
    if (!Array.isArray(list) || list.some((t) => typeof t !== 'string' || t === '')) {
      throw new InvalidArgumentError(
        NEED_TASK,
        'targets',
        `need() takes target names, got ${describeValue(list)}`,
      );
    }
    const from = this.#jobOfNode.get(spec.parent) ?? -1;
    if (from >= 0) {
      const asked = this.#asked.get(from) ?? new Set<string>();
      this.#asked.set(from, asked);
      for (const t of list as string[]) asked.add(t);
    }
    // A step's need is the first link of the chain; other code is its root.
    const root =
      from >= 0
        ? 'the build'
        : spec.parent < 0
          ? 'need() in the main function'
          : `need() in task ${this.#graph.describe(spec.parent)}`;
    const ids = this.request(list as string[], from, spec.parent, root);
    const jobs = this.planner.jobs;
    const after: number[] = [];
    const boxes = ids.map((id, i): ValueBox => {
      if (id >= 0 && this.planner.isState(id)) return this.#box(id);
      if (id >= 0 && jobs.node[id]! >= 0 && jobs.status[id] !== BUILT) after.push(jobs.node[id]!);
      return { v: list[i] };
    });
    return { task: needTask, args: [boxes, single === true], after, parent: spec.parent };
  }
}
