/**
 * @module
 * The entry of a weft worker, as a thread or as a child process. Marks the
 * realm as a worker (a pool refuses to start inside one), captures stdout
 * and stderr, and hands messages to the worker host.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from '../executor/pool/protocol.ts';
import { type Channel, WorkerHost } from './host.ts';
import { captureOutput } from './stdio.ts';

async function serve(
  init: WorkerInit,
  channel: Channel,
  listen: (host: WorkerHost) => void,
): Promise<void> {
  (globalThis as Record<symbol, unknown>)[Symbol.for('weft.worker')] = init.label;
  const host = new WorkerHost(init, channel);
  captureOutput((stream, text) => host.output(stream, text));
  process.on('uncaughtException', (error) => host.fatal(error));
  listen(host);
  await host.start();
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  void serve(
    workerData as WorkerInit,
    {
      send: (batch) => port.postMessage(batch),
      exit: (code, last) => {
        if (last !== undefined) port.postMessage(last);
        process.exit(code);
      },
    },
    (host) => port.on('message', (batch: ToWorker[]) => host.receive(batch)),
  );
} else if (process.send !== undefined) {
  const send = process.send.bind(process);
  const exit = (code: number, last?: FromWorker[]): void => {
    // A last message leaves before the process does; the timer bounds the wait.
    setTimeout(() => process.exit(code), 1000);
    if (last === undefined) process.exit(code);
    else send(last, undefined, {}, () => process.exit(code));
  };
  // The coordinator is gone (it exited or was killed): nothing this worker
  // runs may go on writing side effects for a run that no one records.
  process.on('disconnect', () => process.exit(1));
  process.once('message', (init: WorkerInit) => {
    void serve(init, { send: (batch) => void send(batch), exit }, (host) =>
      process.on('message', (batch: ToWorker[]) => host.receive(batch)),
    );
  });
}
