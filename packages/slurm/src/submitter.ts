/**
 * @module
 * The slurm executor's batch submitter (`mode: 'delayed'`, `weft submit`):
 * every task of the graph becomes a job, submitted as it is added (its
 * prerequisites were added, hence submitted, before it) with
 * `--dependency=afterok:<their jobs>`, so Slurm starts it once they all
 * succeeded and cancels it when one failed. Consecutive tasks of one kind
 * with the same prerequisites (a fan-out) go out as one job array. A chain
 * (a task whose only prerequisite has no other dependent, with the same
 * sbatch options) goes out as one job that runs its tasks in a row: Slurm
 * would otherwise take a scheduling round for each link, the most a chain
 * waits for (`fuseChains: false` gives each its own job). So the jobs go
 * out when the graph is complete, when it is known which task has which
 * dependents. Each job runs `weft exec`, which reads the prerequisites'
 * results from the run's directory, applies each task's timeout and
 * retries itself, writes each result there, and stops at the first task
 * that does not succeed. The receipt maps every task to its job.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BatchContext,
  BatchOrder,
  type BatchReceipt,
  type BatchSubmitter,
  describePlanned,
  type PlannedTask,
} from '@weft/core/executor';
import { writeTaskFile } from '@weft/core/worker';
import type { NodeLimits } from './cluster.ts';
import { cancelJobs, elementId, submitJob } from './job-script.ts';
import type { CompiledSlurmOptions } from './options.ts';
import { jobOptions, type SbatchOptions } from './sbatch-args.ts';
import { checkTask, taskFile } from './task-files.ts';

/** What the run store keeps of a delayed run: where its files are, and each task's job. */
export interface SlurmRecord {
  readonly kind: 'slurm';
  /** The run's directory. */
  readonly dir: string;
  /** Each task's job (`id`, or `id_index` in an array), by task id. */
  readonly jobs: Readonly<Record<string, string>>;
  /** The tasks of each job that runs several in a row, in that order (absent: none). */
  readonly chains?: readonly (readonly number[])[];
}

interface Held {
  readonly t: PlannedTask;
  readonly options: SbatchOptions;
  readonly after: readonly string[];
}

/** Tasks that go out as one job: one task, or a chain run in a row. */
interface Unit {
  readonly tasks: PlannedTask[];
  options: SbatchOptions;
}

export class SlurmBatchSubmitter implements BatchSubmitter {
  readonly name = 'slurm';
  readonly #context: BatchContext;
  readonly #o: CompiledSlurmOptions;
  readonly #limits: NodeLimits;
  readonly #dir: string;
  readonly #order = new BatchOrder();
  readonly #jobs = new Map<number, string>();
  /** Each array job's element count, to name a whole array in a dependency. */
  readonly #arrays = new Map<string, number>();
  /** Tasks of one kind held back to go out together as an array. */
  #held: Held[] = [];
  /** The graph's tasks, grouped into the jobs they go out as, in the order they were added. */
  readonly #units: Unit[] = [];
  /** Each task's unit, while it is the unit's last task (a chain may grow from it). */
  readonly #tails = new Map<number, Unit>();
  /** The chains submitted as one job each, their tasks in the order the job runs them. */
  readonly #chains: number[][] = [];
  /** How many tasks depend on each task. */
  readonly #dependents = new Map<number, number>();
  #submitted = 0;
  #completed = false;

  constructor(context: BatchContext, options: CompiledSlurmOptions, limits: NodeLimits) {
    this.#context = context;
    this.#o = options;
    this.#limits = limits;
    this.#dir = join(options.dir, context.runId);
    mkdirSync(this.#dir, { recursive: true });
  }

  async add(t: PlannedTask): Promise<void> {
    this.#order.check(t);
    checkTask(t.task, t.args, this.#o.root, this.#limits, this.name);
    writeTaskFile(
      this.#dir,
      String(t.id),
      taskFile({
        runId: this.#context.runId,
        taskId: t.id,
        attempt: 1,
        task: t.task,
        label: t.label,
        args: t.args,
        inputs: t.inputs.map((i) => ({ path: i.path, key: String(i.id) })),
        root: this.#o.root,
        resources: this.#context.resourceSource,
        own: true,
      }),
    );
    this.#order.add(t);
    const options = jobOptions(t.task.options, this.#o.sbatch, this.#o.tasks);
    for (const p of t.prerequisites) this.#dependents.set(p, (this.#dependents.get(p) ?? 0) + 1);
    const only = t.prerequisites.length === 1 ? t.prerequisites[0]! : undefined;
    const chain = only === undefined ? undefined : this.#tails.get(only);
    if (this.#o.fuseChains && chain !== undefined && fusable(chain.options, options)) {
      // Whether `only` has another dependent is known once the graph is complete.
      chain.tasks.push(t);
      chain.options = fused(chain.options, options);
      this.#tails.delete(only!);
      this.#tails.set(t.id, chain);
      return;
    }
    const unit: Unit = { tasks: [t], options };
    this.#units.push(unit);
    this.#tails.set(t.id, unit);
  }

  async complete(): Promise<BatchReceipt> {
    for (const unit of this.#split()) await this.#place(unit);
    await this.#release();
    this.#order.complete();
    this.#completed = true;
    const jobs: Record<string, string> = {};
    for (const [id, job] of this.#jobs) jobs[String(id)] = job;
    const record: SlurmRecord = {
      kind: 'slurm',
      dir: this.#dir,
      jobs,
      ...(this.#chains.length === 0 ? {} : { chains: this.#chains }),
    };
    const n = this.#jobs.size;
    const arrays = this.#arrays.size;
    return {
      record: record as unknown as Record<string, unknown>,
      summary:
        `${n} task${n === 1 ? '' : 's'} submitted to Slurm as ${this.#submitted} job${this.#submitted === 1 ? '' : 's'}` +
        (arrays === 0 ? '' : ` (${arrays} job array${arrays === 1 ? '' : 's'})`),
    };
  }

  /**
   * The units as jobs will run them: a chain is cut after each task that has
   * a dependent besides the next (that dependent must not wait for the rest
   * of the chain, nor be cancelled when it fails).
   */
  #split(): Unit[] {
    const out: Unit[] = [];
    for (const unit of this.#units) {
      let part: PlannedTask[] = [];
      for (const t of unit.tasks) {
        part.push(t);
        const last = t === unit.tasks.at(-1);
        if (!last && (this.#dependents.get(t.id) ?? 0) > 1) {
          out.push(this.#unitOf(part));
          part = [];
        }
      }
      out.push(part.length === unit.tasks.length ? unit : this.#unitOf(part));
    }
    return out;
  }

  #unitOf(tasks: PlannedTask[]): Unit {
    const [first, ...rest] = tasks;
    let options = jobOptions(first!.task.options, this.#o.sbatch, this.#o.tasks);
    for (const t of rest) {
      options = fused(options, jobOptions(t.task.options, this.#o.sbatch, this.#o.tasks));
    }
    return { tasks, options };
  }

  /** Holds a task to go out with others of its kind, or submits a chain as one job. */
  async #place(unit: Unit): Promise<void> {
    const t = unit.tasks[0]!;
    // A task that depends on a held one needs its job id: the held go out first.
    if (t.prerequisites.some((p) => !this.#jobs.has(p))) await this.#release();
    const after = this.#after(t.prerequisites);
    if (unit.tasks.length > 1) {
      await this.#release();
      await this.#submit(unit.tasks, unit.options, after, false);
      return;
    }
    const held = this.#held[0];
    if (held !== undefined && !sameKind(held, t, unit.options, after)) await this.#release();
    this.#held.push({ t, options: unit.options, after });
  }

  /** Submits the held tasks: one job array when there are enough, else a job each. */
  async #release(): Promise<void> {
    const held = this.#held;
    this.#held = [];
    if (held.length === 0) return;
    const array = held.length >= this.#o.arrayMin;
    if (array) {
      await this.#submit(
        held.map((h) => h.t),
        held[0]!.options,
        held[0]!.after,
        true,
      );
    } else for (const h of held) await this.#submit([h.t], h.options, h.after, false);
  }

  /** Submits one job: a task, a chain run in a row, or (`array`) an array of tasks. */
  async #submit(
    tasks: readonly PlannedTask[],
    options: SbatchOptions,
    after: readonly string[],
    array: boolean,
  ): Promise<void> {
    const first = tasks[0]!;
    let job: string;
    try {
      job = await submitJob({
        dir: this.#dir,
        root: this.#o.root,
        cwd: this.#context.cwd,
        keys: tasks.map((t) => String(t.id)),
        task: first.task.name,
        what:
          tasks.length === 1
            ? describePlanned(first)
            : array
              ? `${first.task.name} (${tasks.length} tasks)`
              : `${describePlanned(first)} and the ${tasks.length - 1} after it`,
        options,
        after,
        array,
      });
    } catch (error) {
      await this.#withdraw();
      throw error;
    }
    this.#submitted++;
    if (array) this.#arrays.set(job, tasks.length);
    else if (tasks.length > 1) this.#chains.push(tasks.map((t) => t.id));
    for (const [i, t] of tasks.entries()) this.#jobs.set(t.id, elementId(job, array, i));
  }

  /** The jobs of `prerequisites`: a whole array by its id when every element is one of them. */
  #after(prerequisites: readonly number[]): string[] {
    const byArray = new Map<string, string[]>();
    const out: string[] = [];
    for (const p of prerequisites) {
      const job = this.#jobs.get(p)!;
      const base = job.split('_')[0]!;
      if (this.#arrays.has(base)) byArray.set(base, [...(byArray.get(base) ?? []), job]);
      else out.push(job);
    }
    for (const [base, elements] of byArray) {
      if (elements.length === this.#arrays.get(base)) out.push(base);
      else out.push(...elements);
    }
    // Tasks of one chain share its job.
    return [...new Set(out)].sort();
  }

  /** Cancels every job submitted so far: nothing of a refused graph is left behind. */
  async #withdraw(): Promise<void> {
    const bases = new Set([...this.#jobs.values()].map((j) => j.split('_')[0]!));
    this.#jobs.clear();
    await cancelJobs([...bases]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#completed) await this.#withdraw();
  }
}

function sameKind(
  held: Held,
  t: PlannedTask,
  options: SbatchOptions,
  after: readonly string[],
): boolean {
  return (
    held.t.task.name === t.task.name &&
    JSON.stringify(held.options) === JSON.stringify(options) &&
    held.after.join(':') === after.join(':')
  );
}

/** Whether a chain with `chain`'s options may take a task with `next`'s: the same but for time. */
function fusable(chain: SbatchOptions, next: SbatchOptions): boolean {
  const { time: a, ...restA } = chain;
  const { time: b, ...restB } = next;
  const timed = (x: unknown): boolean => typeof x === 'number';
  if ((a === undefined) !== (b === undefined)) return false;
  if (a !== undefined && !(timed(a) && timed(b))) return false;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

/** The options of a chain that takes `next`: the time limits (in minutes) add up. */
function fused(chain: SbatchOptions, next: SbatchOptions): SbatchOptions {
  if (typeof chain.time !== 'number' || typeof next.time !== 'number') return chain;
  return { ...chain, time: chain.time + next.time };
}
