/**
 * @module
 * The coordinator's side of `submit` and `await` inside a worker. A submit
 * becomes a submit to the parent's run (through the invocation's scope), so
 * the child joins the same graph with the parent as its parent. A wait
 * goes through the run's future inside the parent's scope, so the
 * scheduler sees the parent waiting and takes its slot back meanwhile; the
 * worker keeps running other tasks, and nothing deadlocks however deep the
 * tree of tasks waiting on children.
 */

import { serializeError, WeftError } from '../../errors/base.ts';
import type { Future } from '../../frontends/futures/future.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import type { AnyArgs } from '../../vocabulary/task.ts';
import type { Call, Connection } from './connection.ts';
import type { FromWorker, FuturePath } from './protocol.ts';
import { remoteTask } from './remote-task.ts';

type Submit = Extract<FromWorker, { t: 'submit' }>;
type Wait = Extract<FromWorker, { t: 'wait' }>;

/** Adds the child a worker's task submitted to the run, and answers with its id or the refusal. */
export function submitFromWorker(conn: Connection, parent: Call | undefined, m: Submit): void {
  let future: Future;
  try {
    if (parent === undefined) {
      throw new WeftError(
        'WEFT_PARENT_FINISHED',
        `submit(${m.o.name}) in a worker: the submitting task had already finished`,
      );
    }
    const args = restoreFutures(conn, m.a as unknown[], m.fp);
    future = parent.inv.scope.submit(remoteTask(m.o), args as AnyArgs, parent.inv.taskId) as Future;
  } catch (error) {
    conn.push({ t: 'ack', f: m.f, id: -1, state: 'failed', e: serializeError(error) });
    return;
  }
  conn.futures.set(m.f, future);
  if (parent.children === undefined) parent.children = [m.f];
  else parent.children.push(m.f);
  conn.push({ t: 'ack', f: m.f, id: future.id, state: future.state, e: undefined });
}

/**
 * Waits, for the worker, on the future it knows as `m.f`; `waiter` is the
 * task that awaits it, whose slot the scheduler frees until it is done.
 */
export function waitFromWorker(conn: Connection, waiter: Call | undefined, m: Wait): void {
  const future = conn.futures.get(m.f);
  if (future === undefined) {
    const error = new WeftError(
      'WEFT_UNKNOWN_FUTURE',
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
  if (waiter !== undefined && waiter.waits++ === 0) conn.active--;
  const settle = (ok: boolean, value: unknown, error: unknown): void => {
    if (waiter !== undefined && --waiter.waits === 0 && conn.calls.has(waiter.key)) conn.active++;
    conn.push({
      t: 'settle',
      f: m.f,
      ok,
      v: value,
      e: ok ? undefined : serializeError(error),
      state: future.state,
    });
  };
  const subscribe = (): void => {
    future.then(
      (value) => settle(true, value, undefined),
      (error: unknown) => settle(false, undefined, error),
    );
  };
  if (waiter === undefined) subscribe();
  else submitScope.run(waiter.inv.scope, subscribe);
}

/** Puts the run's futures back where the worker's futures were in a submit's arguments. */
function restoreFutures(
  conn: Connection,
  args: unknown[],
  paths: readonly FuturePath[],
): unknown[] {
  for (const { path, f } of paths) {
    const future = conn.futures.get(f);
    if (future === undefined) {
      throw new WeftError(
        'WEFT_UNKNOWN_FUTURE',
        'an argument is a future whose submitting task has finished; pass its value instead',
      );
    }
    let container = args as unknown as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      container = container[path[i]!] as Record<string | number, unknown>;
    }
    container[path[path.length - 1]!] = future;
  }
  return args;
}
