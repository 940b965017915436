/**
 * @module
 * The pool's handling of what a worker sends: outcomes, logs and output,
 * submits and waits of the tasks it runs (carried to their run through
 * `children.ts`), and its own state (ready, refused, setup failed, fatal).
 */
import { deserializeError } from '../../errors/deserialize.ts';
import { WorkerMismatchError, WorkerStartError } from '../../errors/worker.ts';
import { submitFromWorker, waitFromWorker } from './children.ts';
import type { Call, Connection } from './connection.ts';
import type { FromWorker } from './protocol.ts';

/** What handling messages needs of the pool. */
export interface Inbox {
  readonly calls: ReadonlyMap<number, Call>;
  version(): string;
  /** Forgets a call that ended. */
  end(call: Call): void;
  output(conn: Connection, k: number, stream: 1 | 2, text: string): void;
  /** The pool cannot run anything any more. */
  fail(conn: Connection, error: Error): void;
  /** A worker became ready. */
  ready(): void;
}

export function receive(pool: Inbox, conn: Connection, batch: readonly FromWorker[]): void {
  for (const m of batch) {
    switch (m.t) {
      case 'done': {
        const call = pool.calls.get(m.k);
        if (call === undefined || call.conn !== conn) break;
        pool.end(call);
        if (m.ok) call.resolve(m.v);
        else call.reject(m.e === undefined ? m.x : deserializeError(m.e));
        break;
      }
      case 'log':
        pool.calls.get(m.k)?.inv.log[m.level](m.msg, m.fields);
        break;
      case 'out':
        pool.output(conn, m.k, m.s, m.text);
        break;
      case 'submit':
        submitFromWorker(conn, pool.calls.get(m.k), m);
        break;
      case 'wait':
        waitFromWorker(conn, m.k < 0 ? undefined : pool.calls.get(m.k), m);
        break;
      case 'cancel': {
        const node = conn.nodes.get(m.f);
        node?.graph.cancel(node.id);
        break;
      }
      case 'ready':
        conn.ready = true;
        conn.markReady();
        if (conn.calls.size === 0) conn.handle.keepAlive(false);
        pool.ready();
        break;
      case 'refused':
        pool.fail(conn, new WorkerMismatchError(conn.label, pool.version(), m.version));
        break;
      case 'setup-failed':
        pool.fail(
          conn,
          new WorkerStartError(conn.label, `failed in its workerSetup module: ${m.e.message}`, {
            cause: deserializeError(m.e),
          }),
        );
        break;
      case 'fatal':
        conn.fatal = m.e.message;
        break;
    }
  }
}
