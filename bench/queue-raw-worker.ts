/**
 * @module
 * The raw BullMQ side of the queue benchmark: a worker process with a no-op
 * processor, at the concurrency the benchmark gives, on the queue it names.
 * It says `ready` on stdout once it listens, and stops on SIGTERM.
 *
 *   node bench/queue-raw-worker.ts <port> <queue> <concurrency>
 */
import { Worker } from 'bullmq';

const [port, name, concurrency] = process.argv.slice(2);
const worker = new Worker(name!, async () => undefined, {
  connection: { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
  removeOnComplete: { count: 0 },
  removeOnFail: { count: 0 },
});
await worker.waitUntilReady();
console.log('ready');
process.on('SIGTERM', () => {
  void worker.close(true).then(() => process.exit(0));
});
