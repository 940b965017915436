/**
 * @module
 * The slurm executor, `mode: 'jobs'`: each ready task runs as a batch job
 * of its own, `weft exec` reading its task file from the run's directory
 * and writing its result there. Tasks handed over in the same turn of the
 * event loop with the same task and the same sbatch options go out as one
 * job array. One `squeue` per poll interval follows every job of the run
 * (`watcher.ts`); a cancelled or timed-out attempt's job is `scancel`ed,
 * and so is every job left when the executor is disposed (Ctrl-C, `weft
 * cancel`, the run's end). The executor also offers the batch submitter of
 * `mode: 'delayed'` (`weft submit`), whatever its mode.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deserializeError, type Task } from '@weft/core';
import type {
  BatchContext,
  BatchSubmitter,
  Capacity,
  Executor,
  Invocation,
  SubmitsBatches,
} from '@weft/core/executor';
import { type ResultFile, resultLogRecords, writeTaskFile } from '@weft/core/worker';
import type { NodeLimits } from './cluster.ts';
import { SlurmOptionsError } from './errors.ts';
import { cancelJobs, elementId, submitJob } from './job-script.ts';
import type { CompiledSlurmOptions } from './options.ts';
import { jobOptions, type SbatchOptions } from './sbatch-args.ts';
import { SlurmBatchSubmitter } from './submitter.ts';
import { checkTask, taskFile } from './task-files.ts';
import { JobWatcher } from './watcher.ts';

/** An attempt waiting to be submitted with others of its kind. */
interface Pending {
  readonly inv: Invocation;
  readonly dir: string;
  readonly key: string;
  readonly options: SbatchOptions;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Set once it is submitted. */
  job: string | undefined;
  ended: boolean;
}

export class SlurmJobsExecutor implements Executor, SubmitsBatches {
  readonly name = 'slurm';
  readonly remote = true;
  /** The attempt's timeout runs from the start of its job, not from its submission. */
  readonly placesAttempts = true;
  /** A task in a job cannot submit tasks to the run: nothing carries them back. */
  readonly carriesChildren = false;
  readonly capacity: Capacity;
  readonly #o: CompiledSlurmOptions;
  readonly #limits: NodeLimits;
  readonly #watcher: JobWatcher;
  /** Attempts handed over in this turn, by batch signature. */
  #batch = new Map<string, Pending[]>();
  #flushing: Promise<void> | undefined;
  readonly #live = new Set<Pending>();
  readonly #dirs = new Set<string>();
  #toCancel: string[] = [];
  #closed: Promise<void> | undefined;

  constructor(options: CompiledSlurmOptions, limits: NodeLimits) {
    this.#o = options;
    this.#limits = limits;
    // Slurm queues the jobs: weft hands over every ready task, up to maxJobs.
    const all = Number.POSITIVE_INFINITY;
    this.capacity = { slots: options.maxJobs, resources: { cpus: all, memoryMb: all, gpus: all } };
    this.#watcher = new JobWatcher(options.pollMs, () => {
      // squeue failing now and then (a busy controller) is retried at the next poll.
    });
  }

  check(task: Task, args: readonly unknown[]): void {
    checkTask(task, args, this.#o.root, this.#limits, this.name);
  }

  run(inv: Invocation, signal: AbortSignal): Promise<unknown> {
    if (this.#o.mode === 'delayed') {
      return Promise.reject(
        new SlurmOptionsError(
          "the slurm executor in mode 'delayed' hands the whole graph to Slurm: use weft submit <workflow> (weft run runs with mode 'jobs' or 'pilot')",
        ),
      );
    }
    if (this.#closed !== undefined)
      return Promise.reject(new SlurmOptionsError('the slurm executor is closed'));
    const dir = join(this.#o.dir, inv.runId);
    if (!this.#dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.#dirs.add(dir);
    }
    const key = `${inv.taskId}.${inv.attempt}`;
    writeTaskFile(
      dir,
      key,
      taskFile({
        runId: inv.runId,
        taskId: inv.taskId,
        attempt: inv.attempt,
        task: inv.task,
        label: inv.label,
        args: inv.args,
        inputs: [],
        root: this.#o.root,
        resources: inv.resourceSource,
      }),
    );
    const options = jobOptions(inv.task.options, this.#o.sbatch, this.#o.tasks);
    return new Promise((resolve, reject) => {
      const p: Pending = { inv, dir, key, options, resolve, reject, job: undefined, ended: false };
      this.#live.add(p);
      const signature = `${inv.task.name}\u0000${JSON.stringify(options)}`;
      let group = this.#batch.get(signature);
      if (group === undefined) {
        group = [];
        this.#batch.set(signature, group);
      }
      group.push(p);
      if (this.#batch.size === 1 && group.length === 1) setImmediate(() => void this.#flush());
      signal.addEventListener('abort', () => this.#abort(p, signal.reason), { once: true });
    });
  }

  /** Submits what was handed over in this turn: a job array per group that is wide enough. */
  async #flush(): Promise<void> {
    await this.#flushing;
    const batch = this.#batch;
    this.#batch = new Map();
    const run = async (): Promise<void> => {
      for (const group of batch.values()) {
        const live = group.filter((p) => !p.ended);
        if (live.length === 0) continue;
        const array = live.length >= this.#o.arrayMin;
        const parts = array ? [live] : live.map((p) => [p]);
        for (const part of parts) await this.#submit(part, array);
      }
    };
    this.#flushing = run();
    await this.#flushing;
    const cancel = this.#toCancel;
    this.#toCancel = [];
    await cancelJobs(cancel);
  }

  async #submit(part: Pending[], array: boolean): Promise<void> {
    const first = part[0]!;
    let job: string;
    try {
      job = await submitJob({
        dir: first.dir,
        root: this.#o.root,
        cwd: process.cwd(),
        keys: part.map((p) => p.key),
        task: first.inv.task.name,
        what:
          part.length === 1 ? describe(first.inv) : `${first.inv.task.name} (${part.length} tasks)`,
        options: first.options,
        after: [],
        array,
      });
    } catch (error) {
      for (const p of part) this.#end(p, () => p.reject(error));
      return;
    }
    part.forEach((p, i) => {
      p.job = elementId(job, array, i);
      if (p.ended) {
        this.#toCancel.push(p.job);
        return;
      }
      this.#watcher.watch({
        dir: p.dir,
        key: p.key,
        job: p.job,
        what: describe(p.inv),
        placed: (where) => {
          // The run records where an attempt started only when it is placed at once; the log keeps it.
          p.inv.log.debug(`runs in ${where}`, { job: p.job });
          p.inv.placed?.(where);
        },
        done: (result) => this.#end(p, () => settle(p, result)),
        failed: (error) => this.#end(p, () => p.reject(error)),
      });
    });
  }

  #abort(p: Pending, reason: unknown): void {
    if (p.ended) return;
    this.#end(p, () => p.reject(reason));
    this.#watcher.forget(p.dir, p.key);
    if (p.job !== undefined) void cancelJobs([p.job]);
  }

  #end(p: Pending, settle: () => void): void {
    if (p.ended) return;
    p.ended = true;
    this.#live.delete(p);
    settle();
  }

  /** The batch submitter of delayed execution, for `weft submit`. */
  batchSubmitter(context: BatchContext): BatchSubmitter {
    return new SlurmBatchSubmitter(context, this.#o, this.#limits);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.#closed ??= (async () => {
      await this.#flushing;
      const jobs = [...this.#live].map((p) => p.job).filter((j): j is string => j !== undefined);
      this.#watcher.close();
      for (const p of [...this.#live])
        this.#end(p, () => p.reject(new SlurmOptionsError('the slurm executor closed')));
      await cancelJobs(jobs);
    })();
    return this.#closed;
  }
}

function describe(inv: Invocation): string {
  return `${inv.task.name}#${inv.taskId}${inv.label === undefined ? '' : ` "${inv.label}"`}`;
}

/** Ends an attempt as its result file says, with what it logged as the attempt's log. */
function settle(p: Pending, result: ResultFile): void {
  for (const r of resultLogRecords(result.logs)) p.inv.log[r.level](r.message, r.fields);
  if (result.ok) p.resolve(result.value);
  else p.reject(deserializeError(result.error));
}
