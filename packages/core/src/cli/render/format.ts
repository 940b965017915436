/**
 * @module
 * Text the renderers share: durations, task titles, error excerpts, the
 * counts and the summary, cutting a line to a width, and colors (through
 * `node:util` `styleText`, only when enabled).
 */
import { styleText } from 'node:util';
import type { SerializedError } from '../../errors/base.ts';
import {
  CACHED,
  CANCELLED,
  FAILED,
  RUNNING,
  SUCCEEDED,
  UPSTREAM_FAILED,
} from '../../vocabulary/state.ts';
import type { RenderEnv, RenderStream } from './renderer.ts';
import type { Tally } from './tally.ts';

/** A text format `styleText` accepts. */
export type Style = Parameters<typeof styleText>[0];
/** Applies a style, or returns the text as is when colors are off. */
export type Paint = (style: Style, text: string) => string;

/**
 * Whether to color: `NO_COLOR` (non-empty) turns colors off, `FORCE_COLOR`
 * on (unless `0` or `false`), otherwise colors when `out` is a terminal that
 * is not `TERM=dumb`.
 */
export function colorEnabled(out: RenderStream, env: RenderEnv): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return out.isTTY === true && env.TERM !== 'dumb';
}

/** A painter: `styleText` when `enabled`, the identity otherwise. */
export function painter(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  return (style, text) => styleText(style, text, { validateStream: false });
}

/** `0.4s`, `12.3s`, `4m05s`, `2h03m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it removes
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Replaces control characters (escape codes, newlines) so a text stays on one line. */
export function oneLine(text: unknown): string {
  return String(text).replace(CONTROL, ' ');
}

/** `name [label] #id`, on one line. */
export function taskTitle(name: string, label: string | undefined, id?: number): string {
  const l = label === undefined || label === '' ? '' : ` [${label}]`;
  return oneLine(`${name}${l}${id === undefined ? '' : ` #${id}`}`);
}

/** The error's `name [code]: message` header, then its stack frames, at most `max` lines. */
export function errorLines(error: SerializedError | undefined, max = 5): string[] {
  if (error === undefined || error === null) return ['(no error given)'];
  const code = typeof error.code === 'string' ? ` [${error.code}]` : '';
  const header = `${String(error.name ?? 'Error')}${code}: ${String(error.message ?? '')}`;
  const frames = typeof error.stack === 'string' ? error.stack.split('\n') : [];
  const lines = [...header.split('\n'), ...frames.filter((l) => /^\s+at /.test(l))].map((l) =>
    oneLine(l.trimEnd()),
  );
  return lines.length > max ? [...lines.slice(0, max), '…'] : lines;
}

/**
 * The error's `name [code]: message`, every line of its message (a failed
 * command's stderr tail among them) up to `max`, without stack frames.
 */
export function messageLines(error: SerializedError | undefined, max = 20): string[] {
  if (error === undefined || error === null) return ['(no error given)'];
  const code = typeof error.code === 'string' ? ` [${error.code}]` : '';
  const lines = `${String(error.name ?? 'Error')}${code}: ${String(error.message ?? '')}`
    .trimEnd()
    .split('\n')
    .map((l) => oneLine(l.trimEnd()));
  return lines.length > max
    ? [...lines.slice(0, max - 1), `… (${lines.length - max + 1} more lines)`]
    : lines;
}

/**
 * For a log event that is the workflow's main printing (task -1, with a
 * `stream` field): which stream it printed to; else undefined.
 */
export function mainOutput(e: {
  readonly taskId: number;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
}): 'stdout' | 'stderr' | undefined {
  if (e.taskId !== -1) return undefined;
  const stream = e.fields?.stream;
  return stream === 'stdout' || stream === 'stderr' ? stream : undefined;
}

/** The first line of the error's message. */
export function errorHeadline(error: SerializedError | undefined): string {
  return errorLines(error, 1)[0]!;
}

/** One count to show: label, number, style. */
export type CountPart = readonly [label: string, count: number, style: Style];

/** The counts as a renderer shows them; upstream failed and cancelled only when non-zero. */
export function countParts(t: Tally): CountPart[] {
  const c = t.counts;
  const parts: CountPart[] = [
    ['done', c[SUCCEEDED]!, 'green'],
    ['running', c[RUNNING]!, 'yellow'],
    ['queued', t.queued, 'gray'],
    ['failed', c[FAILED]!, 'red'],
    ['cached', c[CACHED]!, 'cyan'],
  ];
  if (c[UPSTREAM_FAILED]! > 0) parts.push(['upstream failed', c[UPSTREAM_FAILED]!, 'magenta']);
  if (c[CANCELLED]! > 0) parts.push(['cancelled', c[CANCELLED]!, 'gray']);
  return parts;
}

/** The style of a run's final state. */
export function stateStyle(state: string): 'green' | 'red' | 'yellow' {
  return state === 'succeeded' ? 'green' : state === 'failed' ? 'red' : 'yellow';
}

/** `run failed in 3.2s: 10 tasks, 7 done, 1 failed, 2 upstream failed` (non-zero counts). */
export function summaryLine(t: Tally, elapsedMs: number, paint: Paint): string {
  const state = t.finalState ?? 'unfinished';
  const parts = countParts(t)
    .filter(([, n]) => n > 0)
    .map(([label, n, style]) => paint(style, `${n} ${label}`));
  const tasks = `${t.total} task${t.total === 1 ? '' : 's'}`;
  return `run ${paint(['bold', stateStyle(state)], state)} in ${formatDuration(elapsedMs)}: ${[tasks, ...parts].join(', ')}`;
}

/** A piece of a line and its style. */
export type Segment = readonly [text: string, style?: Style];

/**
 * Joins segments into a line of at most `width` visible characters (code
 * points), cutting with `…`, and styles each piece after cutting so escape
 * codes never count or get cut.
 */
export function fitLine(segments: readonly Segment[], width: number, paint: Paint): string {
  let room = Math.max(1, width);
  let line = '';
  for (let i = 0; i < segments.length; i++) {
    const [text, style] = segments[i]!;
    const chars = Array.from(text);
    const last = i === segments.length - 1;
    if (chars.length > room || (chars.length === room && !last)) {
      const cut = `${chars.slice(0, Math.max(0, room - 1)).join('')}…`;
      return line + (style ? paint(style, cut) : cut);
    }
    room -= chars.length;
    line += style && text !== '' ? paint(style, text) : text;
  }
  return line;
}

/** Runs `f`, swallowing what it throws: a broken output must not break the run. */
export function safely(f: () => void): void {
  try {
    f();
  } catch {
    // A renderer never throws, and there is nowhere better to report this.
  }
}
