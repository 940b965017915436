/**
 * @module
 * A plan as the user reads it: each job that would run with why (and its
 * command, when it is known before it runs), in the order the jobs were
 * planned or in the order they would start on one slot; the asked-for
 * targets that are up to date; a summary by rule; and the plan as a graph
 * (jobs, with the state `pending` for those that run and `cached` for
 * those up to date) for the Mermaid, DOT and JSON exporters.
 */
import type { CommandSpec } from '../../command/command.ts';
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import type { GraphNode, GraphView } from '../../graph/export/view.ts';
import { commandOf, reasonText } from './freshness.ts';
import type { Planner } from './planner.ts';
import { startOrder } from './priorities.ts';

/** One job of a plan. */
export interface PlannedJob {
  readonly target: string;
  readonly rule: string;
  /** The implementation the coordinates selected ('' when the rule has one). */
  readonly implementation: string;
  readonly runs: boolean;
  /** Why it runs (`input reads/a.fq changed`), or `up to date`. */
  readonly reason: string;
}

/** A plan: what building the asked-for targets would do. */
export class Plan {
  readonly #p: Planner;
  /** The targets asked for, with what each resolved to (a job id, or -1 for a source file). */
  readonly requested: readonly (readonly [string, number])[];

  constructor(planner: Planner, requested: readonly (readonly [string, number])[]) {
    this.#p = planner;
    this.requested = requested;
  }

  /** The planner behind it (to build it). */
  get planner(): Planner {
    return this.#p;
  }

  /** How many jobs would run. */
  get toRun(): number {
    return this.#counts().toRun;
  }

  /** How many jobs are up to date. */
  get upToDate(): number {
    return this.#p.order.length - this.toRun;
  }

  /** Targets whose value sets more targets (a rule's `next`), once they are built. */
  get pendingNext(): readonly string[] {
    return this.#counts().pendingNext;
  }

  #memo: { size: number; toRun: number; pendingNext: string[] } | undefined;

  #counts(): { toRun: number; pendingNext: string[] } {
    const { order, jobs } = this.#p;
    if (this.#memo?.size === order.length) return this.#memo;
    let toRun = 0;
    const pendingNext: string[] = [];
    for (const j of order) {
      if (jobs.reason[j] === 0) continue;
      toRun++;
      if (jobs.impl[j]!.rule.next !== undefined) pendingNext.push(jobs.target[j]!);
    }
    this.#memo = { size: order.length, toRun, pendingNext };
    return this.#memo;
  }

  /** Every job planned, needs first. */
  *jobs(): IterableIterator<PlannedJob> {
    const { order, jobs } = this.#p;
    for (const j of order) {
      const impl = jobs.impl[j]!;
      const runs = jobs.reason[j] !== 0;
      yield {
        target: jobs.target[j]!,
        rule: impl.rule.name,
        implementation: impl.label,
        runs,
        reason: runs ? reasonText(jobs.reason[j]!, this.#p.detailOf(j)) : 'up to date',
      };
    }
  }

  /** Jobs that would run, by rule. */
  countsByRule(): Map<string, number> {
    const { order, jobs } = this.#p;
    const counts = new Map<string, number>();
    for (const j of order) {
      if (jobs.reason[j] === 0) continue;
      const name = jobs.impl[j]!.rule.name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }

  /** The jobs that would run, in the order they were planned (needs first). */
  #runs(): Int32Array {
    const { order, jobs } = this.#p;
    const runs = new Int32Array(this.toRun);
    let k = 0;
    for (const j of order) if (jobs.reason[j] !== 0) runs[k++] = j;
    return runs;
  }

  /**
   * The plan as text, in chunks: a line per job that would run (`run
   * <target> [<rule>]: <why>`, then its command), a line per asked-for
   * target that is up to date, and a summary. The jobs come in the order
   * they were planned (needs first), or with `order: 'start'` in the order
   * they would start on one slot: by priority (the rule's, then the
   * longest remaining path), then as planned. Ordering costs a pass over
   * the plan's graph with a heap (0.2 to 0.5 s for a million jobs), which
   * is why it is asked for.
   */
  *text(options: { readonly order?: 'plan' | 'start' } = {}): IterableIterator<string> {
    const order = options.order ?? 'plan';
    if (order !== 'plan' && order !== 'start') {
      throw new InvalidOptionError(
        `the order of a plan's text is 'plan' or 'start', got ${describeValue(order)}`,
      );
    }
    const jobs = this.#p.jobs;
    const tags = new Map<object, string>();
    let chunk = '';
    const list = order === 'start' ? startOrder(jobs, this.#runs()) : this.#p.order;
    for (const j of list) {
      if (jobs.reason[j] === 0) continue;
      const impl = jobs.impl[j]!;
      let tag = tags.get(impl);
      if (tag === undefined) {
        tag = ` [${impl.label === '' ? impl.rule.name : `${impl.rule.name} ${impl.label}`}]: `;
        tags.set(impl, tag);
      }
      chunk += `run ${jobs.target[j]}${tag}${reasonText(jobs.reason[j]!, this.#p.detailOf(j))}\n`;
      if (impl.code.command !== undefined) {
        const spec = commandOf(this.#p, j);
        chunk +=
          spec === undefined
            ? '    $ (its command is known once the states it needs are built)\n'
            : `    $ ${commandText(spec)}\n`;
      }
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    for (const [target, id] of this.requested) {
      if (id < 0) chunk += `up to date ${target} (a source file)\n`;
      else if (jobs.reason[id] === 0)
        chunk += `up to date ${target} [${jobs.impl[id]!.rule.name}]\n`;
    }
    for (const t of this.pendingNext) {
      chunk += `then: the value of ${t} sets more targets, known once it is built\n`;
    }
    yield `${chunk}${this.summary()}\n`;
  }

  /** `3 jobs to run (align 2, call 1), 12 up to date` or `nothing to do: 12 up to date`. */
  summary(): string {
    const n = this.toRun;
    const fresh = this.upToDate;
    if (n === 0) return `nothing to do: ${plural(fresh, 'job')} up to date`;
    const rules = [...this.countsByRule()].map(([r, c]) => `${r} ${c}`).join(', ');
    return `${plural(n, 'job')} to run (${rules}), ${fresh} up to date`;
  }

  /** The plan as a graph: a node per job, an edge from each needed job to the job that needs it. */
  graph(): GraphView {
    const { order, jobs } = this.#p;
    const nodes: GraphNode[] = [];
    const edges: [number, number][] = [];
    for (const j of order) {
      nodes.push({
        id: j,
        name: jobs.impl[j]!.rule.name,
        label: jobs.target[j],
        state: jobs.reason[j] !== 0 ? 'pending' : 'cached',
      });
      const start = jobs.depStart[j]!;
      for (let k = 0; k < jobs.needs[j]!.length; k++) {
        const d = jobs.deps[start + k]!;
        if (d >= 0) edges.push([d, j]);
      }
    }
    return { nodes, edges };
  }
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A command as a shell would read it. */
export function commandText(spec: CommandSpec): string {
  const argv = typeof spec.argv === 'string' ? [spec.argv] : spec.argv;
  if (spec.shell) return argv[0] ?? '';
  return argv.map((a) => (PLAIN.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}
