/**
 * @module
 * The coordinator's side of `submit` and `await` inside a task on a worker,
 * carried through the invocation's link to its run (its `graph`), as the
 * local pools do: a submit adds a node whose parent is the submitting task;
 * a wait waits for a node with that task as the waiter, so the scheduler
 * frees its slot meanwhile, and its worker's room is freed too (the worker
 * runs other jobs). A parent awaiting children never deadlocks the workers.
 */
import { serializeError, UnknownNodeError } from '@weft/core';
import { remoteTask, restoreOutputs } from '@weft/core/executor';
import type { NodeGraph } from '@weft/core/frontend';
import type { FromWorker } from '@weft/core/worker';
import { localOptions } from '../common/modules.ts';
import type { Down } from '../common/wire.ts';
import type { QueueCall, WorkerView } from './state.ts';

type Submit = Extract<FromWorker, { t: 'submit' }>;
type Wait = Extract<FromWorker, { t: 'wait' }>;

/** What carrying children needs of the coordinator. */
export interface ChildLink {
  readonly root: string;
  send(view: WorkerView, message: Down): void;
  /** A call's waits rose from 0 (its room on the worker is free) or fell back to 0. */
  waiting(call: QueueCall, waits: boolean): void;
}

/** Adds the child a task submitted to the run, and answers with its id or the refusal. */
export function submitFromWorker(
  link: ChildLink,
  view: WorkerView,
  parent: QueueCall | undefined,
  m: Submit,
): void {
  let graph: NodeGraph;
  let id: number;
  try {
    if (parent === undefined) {
      throw new UnknownNodeError(
        `a task submitted ${m.o.name} after it had ended (or moved to another worker)`,
      );
    }
    graph = parent.inv.graph;
    const args = restoreOutputs(view.nodes, m.a as unknown[], m.fp);
    const after = m.af?.map((f) => {
      const node = view.nodes.get(f);
      if (node === undefined) {
        throw new UnknownNodeError(
          'after names a future whose submitting task has finished; wait for it there instead',
        );
      }
      return node.id;
    });
    id = graph.add({
      task: remoteTask(localOptions(link.root, m.o), m.l),
      args: args as never,
      parent: parent.inv.taskId,
      ...(after === undefined ? {} : { after }),
    });
  } catch (error) {
    link.send(view, { t: 'ack', f: m.f, id: -1, state: 'failed', e: serializeError(error) });
    return;
  }
  view.nodes.set(m.f, { graph, id });
  if (parent.children === undefined) parent.children = [m.f];
  else parent.children.push(m.f);
  link.send(view, { t: 'ack', f: m.f, id, state: graph.stateOf(id), e: undefined });
}

/** Waits, for the worker, on the node it knows as `m.f`; `waiter` is the task awaiting it. */
export function waitFromWorker(
  link: ChildLink,
  view: WorkerView,
  waiter: QueueCall | undefined,
  m: Wait,
): void {
  const node = view.nodes.get(m.f);
  if (node === undefined) {
    const error = new UnknownNodeError(
      'a task awaited a future whose submitting task has finished; await futures in the task that submitted them',
    );
    link.send(view, {
      t: 'settle',
      f: m.f,
      ok: false,
      v: undefined,
      e: serializeError(error),
      state: 'failed',
    });
    return;
  }
  const { graph, id } = node;
  const key = waiter?.key;
  if (waiter !== undefined && waiter.waits++ === 0) link.waiting(waiter, true);
  const settle = (ok: boolean, value: unknown, error: unknown): void => {
    // The waiter may have ended or moved since: then its room is not this worker's any more.
    const here = waiter !== undefined && waiter.key === key && waiter.worker === view;
    if (waiter !== undefined && here && --waiter.waits === 0) link.waiting(waiter, false);
    link.send(view, {
      t: 'settle',
      f: m.f,
      ok,
      v: value,
      e: ok ? undefined : serializeError(error),
      state: graph.stateOf(id),
    });
  };
  graph.wait(
    id,
    (value) => settle(true, value, undefined),
    (error: unknown) => settle(false, undefined, error),
    waiter === undefined ? -1 : waiter.inv.taskId,
    waiter === undefined ? 0 : waiter.inv.attempt,
  );
}
