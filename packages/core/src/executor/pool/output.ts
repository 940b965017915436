/**
 * @module
 * What tasks write to stdout and stderr in a worker, turned into log records
 * of the task and attempt that wrote it, one per line: stdout at level
 * `info`, stderr at `warn`, with `{ stream: 'stdout' | 'stderr' }`.
 */
import type { Invocation } from '../executor.ts';

/** An attempt's output not yet ended by a newline, per stream. */
export interface OutputOwner {
  readonly inv: Invocation;
  partial: [string, string] | undefined;
}

/** Adds `text` written to `stream` (1 stdout, 2 stderr) by `owner`; logs each complete line. */
export function writeOutput(owner: OutputOwner, stream: 1 | 2, text: string): void {
  if (owner.partial === undefined) owner.partial = ['', ''];
  const partial = owner.partial;
  let rest = partial[stream - 1] + text;
  for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
    logLine(owner.inv, stream, rest.slice(0, nl));
    rest = rest.slice(nl + 1);
  }
  partial[stream - 1] = rest;
}

/** Logs what is left without a final newline (the attempt ended). */
export function flushOutput(owner: OutputOwner): void {
  const partial = owner.partial;
  if (partial === undefined) return;
  owner.partial = undefined;
  if (partial[0] !== '') logLine(owner.inv, 1, partial[0]);
  if (partial[1] !== '') logLine(owner.inv, 2, partial[1]);
}

const STDOUT = Object.freeze({ stream: 'stdout' });
const STDERR = Object.freeze({ stream: 'stderr' });

function logLine(inv: Invocation, stream: 1 | 2, line: string): void {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (stream === 1) inv.log.info(text, STDOUT);
  else inv.log.warn(text, STDERR);
}
