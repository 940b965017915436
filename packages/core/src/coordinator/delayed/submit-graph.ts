/**
 * @module
 * Delayed execution, the graph executor's side (`weft submit`): settles
 * the mode's resources and executor as a run would, builds the whole graph
 * by running main without running any task (`PlanGraph`), refuses a graph
 * that is not known ahead of time, records the run and its tasks, hands
 * every task to the executor's batch submitter in topological order with
 * its prerequisites' ids, then `complete()`, and records the submitter's
 * receipt (the task-to-job mapping) as the run's own log record, whose
 * fields a follower reads back. The run stays `running`, recorded with no
 * process (pid 0): the batch system runs it after this process exits.
 *
 * A resume of a delayed run plans main again: submissions that match a
 * recorded task that succeeded take its result (state `cached`) and are
 * not handed over; the rest are, as a new session of the same run.
 */
import { hostname } from 'node:os';
import { argsHash } from '../../cache/args-hash.ts';
import { serializeError } from '../../errors/base.ts';
import { BatchUnsupportedError } from '../../errors/batch.ts';
import { RunNotFoundError } from '../../errors/store.ts';
import type { RunEvent } from '../../events/events.ts';
import {
  type BatchReceipt,
  type BatchSubmitter,
  submitsBatches,
} from '../../executor/batch-submitter.ts';
import type { Executor } from '../../executor/executor.ts';
import { ResumeIndex } from '../../store/resume-index.ts';
import type { RunWriter, StoredResult } from '../../store/run-store.ts';
import { createLogger, type Logger } from '../../vocabulary/logger.ts';
import { newRunId } from '../helpers.ts';
import { recordableChoice } from '../open-recording.ts';
import { Ordinals } from '../ordinals.ts';
import type { CompiledRunOptions } from '../run-options.ts';
import { prepareRun, type SetupOptions } from '../setup.ts';
import { storedResult } from './follow.ts';
import { withHoles } from './holes.ts';
import { PlanGraph, type PlanNode } from './plan-graph.ts';
import { planMain } from './plan-main.ts';

export interface SubmitGraphOptions extends SetupOptions {
  /** The workflow module, recorded for resume. */
  readonly workflow?: string;
  /** Continue this recorded delayed run (a new session). */
  readonly resume?: string;
  /** Receives what happens, for the user (`20 tasks submitted as 20 Slurm jobs`). */
  readonly log?: Logger;
}

/** What `submitGraph` did. */
export interface SubmittedGraph {
  readonly runId: string;
  /** Tasks handed to the batch system. */
  readonly submitted: number;
  /** Tasks a resume took from the earlier session instead. */
  readonly cached: number;
  /** The submitter's receipt; undefined when nothing was left to hand over. */
  readonly receipt: BatchReceipt | undefined;
}

/**
 * Plans `main`'s graph and hands it to the mode's batch submitter.
 * @example
 * const { runId, receipt } = await submitGraph(() => workflow.main(params), { mode: 'cluster', cwd });
 */
export async function submitGraph(
  main: () => unknown,
  options: SubmitGraphOptions,
): Promise<SubmittedGraph> {
  const runId = options.resume ?? newRunId();
  const startedAt = Date.now();
  const log = options.log ?? createLogger(() => {});
  const prepared = await prepareRun(setupOf(options), runId, log);
  try {
    const executor = await rawExecutor(options, prepared.scope);
    if (!submitsBatches(executor)) throw new BatchUnsupportedError(executor.name);
    const store = prepared.store!;
    const earlier = options.resume === undefined ? undefined : store.run(options.resume);
    if (options.resume !== undefined && earlier?.id !== options.resume) {
      throw new RunNotFoundError(options.resume, store.location);
    }
    const index =
      earlier === undefined ? undefined : new ResumeIndex(store, earlier.id, prepared.artifacts);
    const graph = new PlanGraph({
      runId,
      firstId: index === undefined ? 0 : index.maxId + 1,
      capacity: executor.capacity,
      executorName: executor.name,
      check: executor.check?.bind(executor),
      resources: {
        scope: prepared.scope,
        remote: true,
        executorName: executor.name,
        hasSource: prepared.source !== undefined,
      },
    });
    const returned = await planMain(graph, main);
    const known = new Map<number, unknown>();
    const reused = new Map<
      number,
      { stored: StoredResult; from: { runId: string; taskId: number } }
    >();
    const ordinals = new Ordinals();
    const hashes = graph.nodes.map((node) => {
      const hash = argsHash(node.args, node.argKind, node.deps);
      const ordinal = ordinals.next(-1, node.task.name);
      const rec = index?.match(-1, node.task.name, ordinal, hash, node.deps);
      if (rec !== undefined) {
        index!.bind(node.id, rec);
        const reuse = index!.reuse(rec);
        if (reuse !== undefined) {
          known.set(node.id, reuse.recorded.value);
          reused.set(node.id, { stored: reuse.stored, from: reuse.recorded.from! });
        }
      }
      return { hash, ordinal };
    });
    const writer = store.openRun({
      id: runId,
      workflow: options.workflow,
      mode: prepared.mode,
      executor: executor.name,
      params: options.params,
      rerunOf: undefined,
      cwd: options.cwd ?? process.cwd(),
      host: hostname(),
      // No process of this machine holds the run: the batch system runs it.
      pid: 0,
      startedAt,
      ...(earlier === undefined ? {} : { resumes: earlier.sessions }),
      executorConfig: batchConfig(options.executor, executor.name),
    });
    const emit = (e: RunEvent): void => writer.event(e);
    emit({ type: 'run_started', runId, time: startedAt });
    graph.nodes.forEach((node, i) => {
      emit(submittedEvent(runId, node, hashes[i]!));
      const r = reused.get(node.id);
      if (r !== undefined) {
        emit({ ...base(runId, node), type: 'cached', from: r.from, cacheKey: undefined });
        writer.result(node.id, r.stored, undefined);
      }
    });
    const handed = graph.nodes.filter((n) => !known.has(n.id));
    if (handed.length === 0) {
      emit({ type: 'run_finished', runId, state: 'succeeded', time: Date.now() });
      const { args } = withHoles([returned], known);
      await writer.close('succeeded', await storedResult(args[0], prepared.artifacts));
      return { runId, submitted: 0, cached: reused.size, receipt: undefined };
    }
    await writer.flush();
    const receipt = await handOver(
      await executor.batchSubmitter({
        runId,
        cwd: options.cwd ?? process.cwd(),
        resourceSource: prepared.source,
        log,
      }),
      handed,
      known,
      writer,
      runId,
    );
    emit({
      type: 'log',
      runId,
      taskId: -1,
      attempt: 0,
      level: 'info',
      message: receipt.summary,
      fields: { batch: receipt.record, ...resultTemplate(returned, known) },
      time: Date.now(),
    });
    await writer.release();
    return { runId, submitted: handed.length, cached: reused.size, receipt };
  } finally {
    await prepared.scope[Symbol.asyncDispose]();
  }
}

/**
 * What main returned, with holes for the tasks' values, when it can be kept
 * as JSON in the run's record: the follower fills it in once every task
 * succeeded, as the run's result.
 */
function resultTemplate(value: unknown, known: ReadonlyMap<number, unknown>): { result?: unknown } {
  const template = withHoles([value], known);
  try {
    const json = JSON.stringify(template);
    return json !== undefined && JSON.stringify(JSON.parse(json)) === json
      ? { result: template }
      : {};
  } catch {
    return {};
  }
}

/** Hands `nodes` to `submitter`; on a refusal, records the run as failed and withdraws. */
async function handOver(
  submitter: BatchSubmitter,
  nodes: readonly PlanNode[],
  known: ReadonlyMap<number, unknown>,
  writer: RunWriter,
  runId: string,
): Promise<BatchReceipt> {
  try {
    for (const node of nodes) {
      const { args, inputs } = withHoles(node.args, known);
      await submitter.add({
        id: node.id,
        prerequisites: node.deps.filter((d) => !known.has(d)),
        task: node.task,
        args,
        inputs,
        label: node.label,
      });
    }
    const receipt = await submitter.complete();
    await submitter[Symbol.asyncDispose]();
    return receipt;
  } catch (error) {
    await submitter[Symbol.asyncDispose]();
    writer.event({
      type: 'log',
      runId,
      taskId: -1,
      attempt: 0,
      level: 'error',
      message: `the batch system refused the graph: ${serializeError(error).message}`,
      fields: undefined,
      time: Date.now(),
    });
    for (const node of nodes) {
      writer.event({ ...base(runId, node), type: 'cancelled', reason: 'not submitted' });
    }
    writer.event({ type: 'run_finished', runId, state: 'failed', time: Date.now() });
    await writer.close('failed');
    throw error;
  }
}

function base(runId: string, node: PlanNode) {
  return {
    runId,
    taskId: node.id,
    name: node.task.name,
    label: node.label,
    attempt: 0,
    time: Date.now(),
  };
}

function submittedEvent(
  runId: string,
  node: PlanNode,
  at: { readonly hash: string | undefined; readonly ordinal: number },
): RunEvent {
  return {
    ...base(runId, node),
    type: 'submitted',
    parentId: -1,
    deps: node.deps,
    ordinal: at.ordinal,
    argsHash: at.hash,
    requirements: node.task.options.requirements?.record,
  };
}

/** How the run records its executor: as chosen (for a resume), marked as handed to `batch`. */
function batchConfig(choice: SetupOptions['executor'], batch: string): Record<string, unknown> {
  const recorded = recordableChoice(choice as CompiledRunOptions['executor']);
  if (typeof recorded === 'string') return { kind: recorded, batch };
  if (typeof recorded === 'object' && recorded !== null) return { ...recorded, batch };
  return { batch };
}

/** The executor object itself, not the run's wrapper of it: its batch submitter is wanted. */
async function rawExecutor(
  options: SubmitGraphOptions,
  scope: { ensure(names: readonly string[]): Promise<Record<string, unknown>> },
): Promise<Executor> {
  const given = options.executor;
  if (
    typeof given === 'object' &&
    given !== null &&
    typeof (given as Executor).run === 'function'
  ) {
    return given as Executor;
  }
  return (await scope.ensure(['executor'])).executor as Executor;
}

/** The setup options, with a recorded `batch` marker taken out of the executor's config. */
function setupOf(options: SubmitGraphOptions): SetupOptions {
  const { workflow: _w, resume: _r, log: _l, executor: choice, ...setup } = options;
  if (typeof choice === 'object' && choice !== null && 'batch' in choice) {
    const { batch: _b, ...rest } = choice as { batch: unknown; kind?: unknown };
    // Recorded without a kind: the executor came from the mode, which gives it again.
    return typeof rest.kind === 'string' ? { ...setup, executor: rest as { kind: string } } : setup;
  }
  return choice === undefined ? setup : { ...setup, executor: choice };
}
