/**
 * @module
 * The plain renderer, for CI logs, pipes, `NO_COLOR`, `TERM=dumb` and
 * `--quiet`: lines only, never an escape code. One line per failure and per
 * retry (to `err`), a progress line at most every few seconds when something
 * changed (`[12.3s] 1200/5000 finished, 4 running, 1 failed`), and a summary line
 * on `run_finished`. With `quiet`, only failures and the summary.
 */
import type { RunEvent, TaskFailed, TaskRetrying } from '../../events/events.ts';
import {
  countParts,
  errorHeadline,
  formatDuration,
  mainOutput,
  messageLines,
  oneLine,
  type Paint,
  safely,
  summaryLine,
  taskTitle,
} from './format.ts';
import type { Renderer, RendererOptions } from './renderer.ts';
import { Tally } from './tally.ts';

export interface PlainRendererOptions extends RendererOptions {
  /** Only failures and the summary. */
  readonly quiet?: boolean;
  /** Milliseconds between progress lines, at least (default 5000). */
  readonly progressInterval?: number;
}

const noPaint: Paint = (_style, text) => text;

/**
 * A renderer that writes plain lines.
 * @example
 * const r = createPlainRenderer({ out: process.stdout, err: process.stderr, quiet: true });
 */
export function createPlainRenderer(options: PlainRendererOptions): Renderer {
  const { out, quiet = false } = options;
  const err = options.err ?? out;
  const now = options.now ?? Date.now;
  const createdAt = now();
  const tally = new Tally(false);
  let printedVersion = 0;
  let done = false;
  const elapsed = (t: number): string => `[${formatDuration(t - (tally.startTime ?? createdAt))}]`;

  const timer = quiet
    ? undefined
    : setInterval(() => safely(progress), Math.max(100, options.progressInterval ?? 5000));
  timer?.unref?.();

  function progress(): void {
    if (tally.version === printedVersion) return;
    printedVersion = tally.version;
    const parts = countParts(tally)
      .filter(
        ([label, n]) => label !== 'done' && label !== 'queued' && (n > 0 || label === 'running'),
      )
      .map(([label, n]) => `${n} ${label}`);
    out.write(
      `${elapsed(now())} ${[`${tally.finished}/${tally.total} finished`, ...parts].join(', ')}\n`,
    );
  }

  function failed(e: TaskFailed): string {
    const attempt = e.attempt > 1 ? ` (attempt ${e.attempt})` : '';
    const [head, ...rest] = messageLines(e.error);
    const more = rest.map((l) => `    ${l}\n`).join('');
    return `${elapsed(e.time)} FAILED ${taskTitle(e.name, e.label, e.taskId)}${attempt}: ${head}\n${more}`;
  }

  function retrying(e: TaskRetrying): string {
    const delay = Number.isFinite(e.delayMs) ? ` in ${formatDuration(e.delayMs)}` : '';
    return `${elapsed(e.time)} retry ${taskTitle(e.name, e.label, e.taskId)} after attempt ${e.attempt}${delay}: ${errorHeadline(e.error)}\n`;
  }

  function handle(e: RunEvent): void {
    tally.record(e);
    switch (e.type) {
      case 'failed':
        err.write(failed(e));
        return;
      case 'retrying':
        if (!quiet) err.write(retrying(e));
        return;
      case 'log': {
        // What main printed is output: shown as it was written, even when quiet.
        const printed = mainOutput(e);
        if (printed !== undefined) {
          (printed === 'stdout' ? out : err).write(`${e.message}\n`);
          return;
        }
        if (!quiet && (e.level === 'warn' || e.level === 'error')) {
          const task = e.taskId >= 0 ? ` (task #${e.taskId})` : '';
          err.write(`${elapsed(e.time)} ${e.level}: ${oneLine(e.message)}${task}\n`);
        }
        return;
      }
      case 'run_finished':
        out.write(`${summaryLine(tally, e.time - (tally.startTime ?? createdAt), noPaint)}\n`);
        return;
    }
  }

  return {
    event(e) {
      if (done) return;
      try {
        handle(e);
      } catch {
        // A renderer never throws (a malformed event, a broken output).
      }
      if (e?.type === 'run_finished') {
        clearInterval(timer);
        done = true;
      }
    },
    close() {
      if (done) return;
      done = true;
      clearInterval(timer);
      if (!quiet) safely(progress);
    },
  };
}
