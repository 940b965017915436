/**
 * @module
 * A batch system in this process: the reference implementation of the
 * delayed-submission seam. It takes a whole graph, then, once `complete()`
 * is called, runs each task as a batch job would (`runInvocation`: the
 * task's module imported and checked, the task found by name, children
 * refused) as soon as its prerequisites succeeded. Tests and tools use it
 * where no batch system is at hand.
 */
import { serializeError } from '../errors/base.ts';
import { fillInputs } from '../executor/batch/inputs.ts';
import { BatchOrder } from '../executor/batch/order.ts';
import type {
  BatchContext,
  BatchOutcome,
  BatchReceipt,
  BatchSubmitter,
  PlannedTask,
} from '../executor/batch-submitter.ts';
import { coordinatorHash, importableModule } from '../executor/pool/modules.ts';
import { runInvocation } from './one-shot.ts';

/** A batch submitter that runs the graph here; `outcomes()` says how each task ended. */
export interface LocalBatchSubmitter extends BatchSubmitter {
  /** Resolves once every task added has ended, with how each did, by id. */
  outcomes(): Promise<ReadonlyMap<number, BatchOutcome>>;
}

/**
 * A batch submitter that runs the graph in this process once it is complete.
 * @example
 * const batch = createLocalBatchSubmitter({ runId: 'r1', cwd, resourceSource: undefined, log });
 * batch.add({ id: 0, prerequisites: [], task: load, args: ['a.csv'], inputs: [], label: undefined });
 * await batch.complete();
 * const outcomes = await batch.outcomes();
 */
export function createLocalBatchSubmitter(context: BatchContext): LocalBatchSubmitter {
  return new LocalBatch(context);
}

class LocalBatch implements LocalBatchSubmitter {
  readonly name = 'local';
  readonly #context: BatchContext;
  readonly #order = new BatchOrder();
  readonly #tasks: { readonly t: PlannedTask; readonly module: string; readonly hash: string }[] =
    [];
  readonly #ended = new Map<number, Promise<BatchOutcome>>();
  #all: Promise<ReadonlyMap<number, BatchOutcome>> | undefined;

  constructor(context: BatchContext) {
    this.#context = context;
  }

  add(t: PlannedTask): void {
    this.#order.check(t);
    const module = importableModule(t.task);
    const hash = coordinatorHash(module);
    this.#order.add(t);
    this.#tasks.push({ t, module, hash });
  }

  async complete(): Promise<BatchReceipt> {
    this.#order.complete();
    const outcomes = new Map<number, BatchOutcome>();
    for (const { t, module, hash } of this.#tasks) {
      const ended = this.#run(t, module, hash);
      this.#ended.set(t.id, ended);
      void ended.then((o) => outcomes.set(t.id, o));
    }
    this.#all = Promise.all(this.#ended.values()).then(() => outcomes);
    const n = this.#tasks.length;
    return {
      record: { kind: 'local', tasks: this.#tasks.map(({ t }) => t.id) },
      summary: `${n} task${n === 1 ? '' : 's'} handed to the local batch runner`,
    };
  }

  outcomes(): Promise<ReadonlyMap<number, BatchOutcome>> {
    return this.#all ?? Promise.resolve(new Map());
  }

  async #run(t: PlannedTask, module: string, hash: string): Promise<BatchOutcome> {
    const values = new Map<number, unknown>();
    for (const p of t.prerequisites) {
      const before = await this.#ended.get(p)!;
      if (before.state !== 'succeeded') return { state: 'upstream_failed' };
      values.set(p, before.value);
    }
    let args: unknown[];
    try {
      args = fillInputs(t.args, t.inputs, (id) => values.get(id));
    } catch (error) {
      return { state: 'failed', error: serializeError(error) };
    }
    const outcome = await runInvocation({
      module,
      hash,
      task: t.task.name,
      args,
      runId: this.#context.runId,
      taskId: t.id,
      attempt: 1,
      ...(t.label === undefined ? {} : { label: t.label }),
      ...(this.#context.resourceSource === undefined || t.task.options.resources.length === 0
        ? {}
        : {
            resources: { names: t.task.options.resources, source: this.#context.resourceSource },
          }),
    });
    return outcome.ok
      ? { state: 'succeeded', value: outcome.value }
      : { state: 'failed', error: outcome.error };
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}
