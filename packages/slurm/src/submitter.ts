/**
 * @module
 * The slurm executor's batch submitter (`mode: 'delayed'`, `weft submit`):
 * every task of the graph becomes a job, submitted as it is added (its
 * prerequisites were added, hence submitted, before it) with
 * `--dependency=afterok:<their jobs>`, so Slurm starts it once they all
 * succeeded and cancels it when one failed. Consecutive tasks of one kind
 * with the same prerequisites (a fan-out) go out as one job array. Each job
 * runs `weft exec`, which reads the prerequisites' results from the run's
 * directory, applies the task's timeout and retries itself, and writes its
 * own result there. The receipt maps every task to its job.
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
}

interface Held {
  readonly t: PlannedTask;
  readonly options: SbatchOptions;
  readonly after: readonly string[];
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
    // A task that depends on a held one needs its job id: the held go out first.
    if (t.prerequisites.some((p) => !this.#jobs.has(p))) await this.#release();
    const after = this.#after(t.prerequisites);
    const held = this.#held[0];
    if (held !== undefined && !sameKind(held, t, options, after)) await this.#release();
    this.#held.push({ t, options, after });
  }

  async complete(): Promise<BatchReceipt> {
    await this.#release();
    this.#order.complete();
    this.#completed = true;
    const jobs: Record<string, string> = {};
    for (const [id, job] of this.#jobs) jobs[String(id)] = job;
    const record: SlurmRecord = { kind: 'slurm', dir: this.#dir, jobs };
    const n = this.#jobs.size;
    const arrays = this.#arrays.size;
    return {
      record: record as unknown as Record<string, unknown>,
      summary:
        `${n} task${n === 1 ? '' : 's'} submitted to Slurm as ${this.#submitted} job${this.#submitted === 1 ? '' : 's'}` +
        (arrays === 0 ? '' : ` (${arrays} job array${arrays === 1 ? '' : 's'})`),
    };
  }

  /** Submits the held tasks: one job array when there are enough, else a job each. */
  async #release(): Promise<void> {
    const held = this.#held;
    this.#held = [];
    if (held.length === 0) return;
    const array = held.length >= this.#o.arrayMin;
    const parts = array ? [held] : held.map((h) => [h]);
    for (const part of parts) {
      const first = part[0]!;
      let job: string;
      try {
        job = await submitJob({
          dir: this.#dir,
          root: this.#o.root,
          cwd: this.#context.cwd,
          keys: part.map((h) => String(h.t.id)),
          task: first.t.task.name,
          what:
            part.length === 1
              ? describePlanned(first.t)
              : `${first.t.task.name} (${part.length} tasks)`,
          options: first.options,
          after: first.after,
          array,
        });
      } catch (error) {
        await this.#withdraw();
        throw error;
      }
      this.#submitted++;
      if (array) this.#arrays.set(job, part.length);
      for (const [i, h] of part.entries()) this.#jobs.set(h.t.id, elementId(job, array, i));
    }
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
    return out.sort();
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
