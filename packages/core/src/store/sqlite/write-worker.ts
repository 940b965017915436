/**
 * @module
 * The SQLite store's write worker (a `worker_threads` thread): it owns one
 * connection and writes each batch it is posted in one transaction
 * (`worker-batch.ts`), acknowledging every message in order. Tasks it holds
 * back (`parked.ts`) are written when next touched, at the latest at the
 * second tick of a half-second clock (the twenty-first while their run is
 * busy, see `ParkedTasks.due`), and at once on a sync (a flush), a
 * close, a release or shutdown. A failed write
 * is reported for its run (with SQLite's message) and that run's later
 * batches are dropped, so what is stored stays a prefix of what was written.
 * A worker may be started before its store is known (`prestartWriteWorker`
 * in `channel.ts`): it then opens its connection on its first message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';
import { connect } from './schema.ts';
import { endRun, type Unpark, writeBatch } from './worker-batch.ts';
import { RunSlot, WorkerDb } from './worker-db.ts';

const port = parentPort!;
/**
 * The connection: opened at once from `workerData`, or on the first
 * message (an `init`) when the worker was started before its store.
 */
let w!: WorkerDb;
const open = (init: WorkerInit): WorkerDb =>
  new WorkerDb(connect(init.file, init.busyTimeoutMs, true));
if (workerData !== null) w = open(workerData as WorkerInit);
const runs = new Map<number, RunSlot | { failed: string }>();

function send(message: FromWorker): void {
  port.postMessage(message);
}

function fail(key: number, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const run = runs.get(key);
  if (run !== undefined) run.failed = message;
  else runs.set(key, { failed: message });
  send({ t: 'failed', key, message });
}

/** Writes the parked tasks of `run` that `unpark` says; a failure fails the run. */
function unpark(key: number, run: RunSlot, which: Unpark): void {
  if (run.failed !== undefined || run.parked.count === 0) return;
  try {
    writeBatch(w, run, undefined, which);
  } catch (error) {
    fail(key, error);
  }
}

function unparkAll(which: Unpark): void {
  for (const [key, run] of runs) if (run instanceof RunSlot) unpark(key, run, which);
}

const TICK_MS = 500;
setInterval(() => unparkAll('due'), TICK_MS).unref();

function handle(m: ToWorker): void {
  switch (m.t) {
    case 'init':
      // Thrown out of the handler when it fails: the worker dies saying why,
      // as it does when it cannot open from workerData.
      w = open(m);
      return;
    case 'open':
      try {
        runs.set(m.key, new RunSlot(w, m.key, m.runId));
      } catch (error) {
        fail(m.key, error);
      }
      return;
    case 'batch': {
      const run = runs.get(m.key);
      if (!(run instanceof RunSlot) || run.failed !== undefined) return;
      try {
        writeBatch(w, run, m, m.flush ? 'all' : 'none');
      } catch (error) {
        fail(m.key, error);
      }
      return;
    }
    case 'close': {
      const run = runs.get(m.key);
      if (run instanceof RunSlot) unpark(m.key, run, 'all');
      runs.delete(m.key);
      if (!(run instanceof RunSlot) || run.failed !== undefined) return;
      try {
        endRun(w, run, m);
      } catch (error) {
        fail(m.key, error);
        runs.delete(m.key);
      }
      return;
    }
    case 'release': {
      const run = runs.get(m.key);
      if (run instanceof RunSlot) unpark(m.key, run, 'all');
      runs.delete(m.key);
      return;
    }
    case 'sync':
    case 'shutdown':
      unparkAll('all');
      return;
    default:
      return;
  }
}

port.on('message', (m: ToWorker) => {
  handle(m);
  send({ t: 'ack', id: m.id });
  if (m.t === 'shutdown') {
    // Copy the WAL into the database here, so that closing the last
    // connection on the calling thread has little left to do.
    try {
      w.db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } catch {
      // Busy (another process reads or writes): a later checkpoint does it.
    }
    w.db.close();
    port.close();
  }
});
