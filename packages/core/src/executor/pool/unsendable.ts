/**
 * @module
 * What the pool does with a message to a worker that cannot be serialized:
 * an attempt's arguments fail the attempt (naming the path of the value that
 * cannot cross), a settled wait becomes a failed one.
 */
import { serializeError } from '../../errors/base.ts';
import { UnserializableValueError } from '../../errors/worker.ts';
import { describeCall } from './aborts.ts';
import type { Call, Connection } from './connection.ts';
import type { ToWorker } from './protocol.ts';
import { findUnserializable } from './serializable.ts';

export function unsendable(
  calls: ReadonlyMap<number, Call>,
  conn: Connection,
  message: ToWorker,
  error: unknown,
  end: (call: Call) => void,
): void {
  if (message.t === 'run') {
    const call = calls.get(message.k);
    if (call === undefined) return;
    end(call);
    const bad = findUnserializable(message.a, 'args');
    call.reject(
      bad === undefined
        ? error
        : new UnserializableValueError(describeCall(call.inv), bad.path, bad.what),
    );
  } else if (message.t === 'settle') {
    conn.push({ ...message, ok: false, v: undefined, e: serializeError(error) });
  }
}
