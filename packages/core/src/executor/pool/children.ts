/**
 * @module
 * The coordinator's side of `submit` and `await` inside a worker, carried
 * through the invocation's link to its run (its `graph`): a submit adds a
 * node whose parent is the submitting task, and a wait waits for a node
 * with that task as the waiter, so the scheduler takes its slot back
 * meanwhile; the worker keeps running other tasks, and nothing deadlocks
 * however deep the tree of tasks waiting on children. Nothing here knows
 * of futures.
 */
import { serializeError } from '../../errors/base.ts';
import { ParentFinishedError, UnknownNodeError } from '../../errors/run.ts';
import { type NodeGraph, outputOf } from '../../vocabulary/node.ts';
import type { AnyArgs } from '../../vocabulary/task.ts';
import type { Call, Connection } from './connection.ts';
import type { FromWorker, FuturePath } from './protocol.ts';
import { remoteTask } from './remote-task.ts';

type Submit = Extract<FromWorker, { t: 'submit' }>;
type Wait = Extract<FromWorker, { t: 'wait' }>;

/** Adds the child a worker's task submitted to the run, and answers with its id or the refusal. */
export function submitFromWorker(conn: Connection, parent: Call | undefined, m: Submit): void {
  let graph: NodeGraph;
  let id: number;
  try {
    if (parent === undefined) throw new ParentFinishedError(m.o.name);
    graph = parent.inv.graph;
    const args = restoreOutputs(conn.nodes, m.a as unknown[], m.fp);
    const after = m.af?.map((f) => {
      const node = conn.nodes.get(f);
      if (node === undefined) {
        throw new UnknownNodeError(
          'after names a future whose submitting task has finished; wait for it there instead',
        );
      }
      return node.id;
    });
    id = graph.add({
      task: remoteTask(m.o, m.l),
      args: args as AnyArgs,
      parent: parent.inv.taskId,
      ...(after === undefined ? {} : { after }),
    });
  } catch (error) {
    conn.push({ t: 'ack', f: m.f, id: -1, state: 'failed', e: serializeError(error) });
    return;
  }
  conn.nodes.set(m.f, { graph, id });
  if (parent.children === undefined) parent.children = [m.f];
  else parent.children.push(m.f);
  conn.push({ t: 'ack', f: m.f, id, state: graph.stateOf(id), e: undefined });
}

/**
 * Waits, for the worker, on the node it knows as `m.f`; `waiter` is the
 * task that awaits it, whose slot the scheduler frees until it is done.
 */
export function waitFromWorker(conn: Connection, waiter: Call | undefined, m: Wait): void {
  const node = conn.nodes.get(m.f);
  if (node === undefined) {
    const error = new UnknownNodeError(
      'a worker awaited a future whose submitting task has finished; await futures in the task that submitted them',
    );
    conn.push({
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
  if (waiter !== undefined && waiter.waits++ === 0) conn.active--;
  const settle = (ok: boolean, value: unknown, error: unknown): void => {
    if (waiter !== undefined && --waiter.waits === 0 && conn.calls.has(waiter.key)) conn.active++;
    conn.push({
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

/**
 * Puts references to the run's nodes where a worker's futures were in a
 * submit's arguments; `nodes` maps the worker's future ids to the nodes they
 * stand for. Remote executors carry children the same way.
 */
export function restoreOutputs(
  nodes: ReadonlyMap<number, { readonly graph: NodeGraph; readonly id: number }>,
  args: unknown[],
  paths: readonly FuturePath[],
): unknown[] {
  for (const { path, f } of paths) {
    const node = nodes.get(f);
    if (node === undefined) {
      throw new UnknownNodeError(
        'an argument is a future whose submitting task has finished; pass its value instead',
      );
    }
    let container = args as unknown as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      container = container[path[i]!] as Record<string | number, unknown>;
    }
    container[path[path.length - 1]!] = outputOf(node.graph, node.id);
  }
  return args;
}
