/**
 * @module
 * What a task writes to stdout and stderr on a worker, turned into log
 * records of its attempt, one per line (stdout at `info`, stderr at `warn`,
 * with `{ stream }`), as under the local executors.
 */
import type { QueueCall } from './state.ts';

const STDOUT = Object.freeze({ stream: 'stdout' });
const STDERR = Object.freeze({ stream: 'stderr' });

/** Adds `text` written to `stream` (1 stdout, 2 stderr) by `call`'s task; logs each whole line. */
export function writeOutput(call: QueueCall, stream: 1 | 2, text: string): void {
  call.partial ??= ['', ''];
  let rest = call.partial[stream - 1] + text;
  for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
    logLine(call, stream, rest.slice(0, nl));
    rest = rest.slice(nl + 1);
  }
  call.partial[stream - 1] = rest;
}

/** Logs what is left without a final newline (the attempt ended, or moved). */
export function flushOutput(call: QueueCall): void {
  const partial = call.partial;
  if (partial === undefined) return;
  call.partial = undefined;
  if (partial[0] !== '') logLine(call, 1, partial[0]);
  if (partial[1] !== '') logLine(call, 2, partial[1]);
}

function logLine(call: QueueCall, stream: 1 | 2, line: string): void {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (stream === 1) call.inv.log.info(text, STDOUT);
  else call.inv.log.warn(text, STDERR);
}
