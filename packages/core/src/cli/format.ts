/**
 * @module
 * Text the `weft` commands share: where output goes, colors (only on a
 * terminal, never with `NO_COLOR`), times, durations, states and task counts.
 */
import type { RunRecord } from '../store/run-store.ts';
import {
  colorEnabled,
  formatDuration,
  oneLine,
  type Paint,
  painter,
  type Style,
} from './render/format.ts';

export { formatDuration, oneLine, type Paint, type Style };

// Bound when the command starts: they go around the capture of a run's
// output (run-output.ts), which replaces process.stdout.write meanwhile.
const writeStdout = process.stdout.write.bind(process.stdout);
const writeStderr = process.stderr.write.bind(process.stderr);

/** Writes to stdout (never captured as a run's output). */
export function out(text: string): void {
  writeStdout(text);
}

/** Writes to stderr (never captured as a run's output). */
export function err(text: string): void {
  writeStderr(text);
}

/** Standard output and error as renderers write to them, around the capture. */
export function terminal(stream: 'stdout' | 'stderr'): {
  write(text: string): unknown;
  readonly isTTY: boolean;
  readonly columns: number | undefined;
} {
  const s = process[stream];
  const write = stream === 'stdout' ? writeStdout : writeStderr;
  return {
    write: (text: string) => write(text),
    get isTTY() {
      return s.isTTY === true;
    },
    get columns() {
      return s.columns;
    },
  };
}

/** The painter for stdout: colors on a terminal without `NO_COLOR`, identity otherwise. */
export function stdoutPaint(): Paint {
  return painter(colorEnabled(process.stdout, process.env));
}

/** The painter for stderr. */
export function stderrPaint(): Paint {
  return painter(colorEnabled(process.stderr, process.env));
}

/**
 * The width to cut table lines to: the terminal's (80 when it does not say,
 * as a pseudo-terminal of size 0 does), or none when stdout is not a terminal.
 */
export function stdoutWidth(): number | undefined {
  if (!process.stdout.isTTY) return undefined;
  const columns = process.stdout.columns;
  return columns !== undefined && columns > 0 ? columns : 80;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `2025-11-21 18:49:03`, local time; `-` for undefined. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${clock(ms)}`;
}

/**
 * A start time, short: `18:49:03` today, `11-20 18:49` this year,
 * `2024-11-20` before; `-` for undefined.
 */
export function formatWhen(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined) return '-';
  const d = new Date(ms);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return clock(ms);
  const date = `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  if (d.getFullYear() === today.getFullYear()) {
    return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  }
  return `${d.getFullYear()}-${date}`;
}

/** `18:49:03`, local time. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `18:49:03.120`, local time. */
export function clockMs(ms: number): string {
  return `${clock(ms)}.${String(new Date(ms).getMilliseconds()).padStart(3, '0')}`;
}

/** From start to end (or to now, with `…`, for what has not ended); `-` without a start. */
export function span(start: number | undefined, end: number | undefined, now = Date.now()): string {
  if (start === undefined) return '-';
  return end === undefined ? `${formatDuration(now - start)}…` : formatDuration(end - start);
}

/** The style (a color) of a task or run state. */
export function stateStyle(
  state: string,
): 'green' | 'red' | 'yellow' | 'cyan' | 'magenta' | 'gray' | undefined {
  switch (state) {
    case 'succeeded':
      return 'green';
    case 'failed':
      return 'red';
    case 'running':
      return 'yellow';
    case 'cached':
      return 'cyan';
    case 'upstream_failed':
    case 'interrupted':
      return 'magenta';
    case 'cancelled':
    case 'pending':
    case 'ready':
      return 'gray';
    default:
      return undefined;
  }
}

/** How `weft runs` names each task state, in the order shown. */
const COUNT_LABELS: readonly (readonly [keyof RunRecord['counts'], string])[] = [
  ['succeeded', 'ok'],
  ['failed', 'failed'],
  ['upstream_failed', 'upstream failed'],
  ['cancelled', 'cancelled'],
  ['cached', 'cached'],
  ['running', 'running'],
  ['ready', 'ready'],
  ['pending', 'pending'],
];

/** `12 ok · 1 failed · 3 cached` (non-zero counts only; `no tasks` for none). */
export function countsText(counts: RunRecord['counts']): string {
  const parts = COUNT_LABELS.filter(([s]) => (counts[s] ?? 0) > 0).map(
    ([s, label]) => `${counts[s]} ${label}`,
  );
  return parts.length === 0 ? 'no tasks' : parts.join(' · ');
}

/** The message of an error on one line (its first line). */
export function firstLine(message: string | undefined): string {
  if (message === undefined) return '';
  return oneLine(message.split('\n', 1)[0] ?? '');
}

/** Writes `value` as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  out(`${JSON.stringify(value, null, 2)}\n`);
}
