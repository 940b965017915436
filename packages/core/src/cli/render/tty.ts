/**
 * @module
 * The live terminal renderer: a block at the bottom of the terminal (progress
 * bar, counts, throughput, ETA, the longest-running tasks), redrawn by an
 * `unref`'d timer at most 10 times a second and only when something changed.
 * Failures and warn/error logs are printed above the block as they come
 * (erase the block, print, redraw). `event()` only counts and queues; all
 * formatting happens in the timer's tick. The cursor is hidden while the
 * block is live and shown again on `run_finished`, `close()` or process exit.
 */
import type { LogEvent, TaskFailed } from '../../events/events.ts';
import { FAILED } from '../../vocabulary/state.ts';
import {
  colorEnabled,
  countParts,
  errorLines,
  fitLine,
  formatDuration,
  mainOutput,
  oneLine,
  type Paint,
  painter,
  type Segment,
  safely,
  summaryLine,
  taskTitle,
} from './format.ts';
import type { Renderer, RendererOptions } from './renderer.ts';
import { Rate, Tally } from './tally.ts';

export interface TtyRendererOptions extends RendererOptions {
  /** Redraws per second, at most 10 (the default). */
  readonly fps?: number;
  /** Running tasks listed in the block (default 5). */
  readonly maxRunning?: number;
}

const ESC = '\x1b[';
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
/** Moves the cursor up a line and clears that line. */
const UP_CLEAR = `${ESC}1A${ESC}2K`;
/** Running tasks scanned for the longest-running (the Map is oldest first). */
const SCAN_LIMIT = 10_000;

/** A warn/error log waiting to be printed, with its task's name when known. */
interface PendingLog {
  readonly log: LogEvent;
  readonly task: string | undefined;
}

/**
 * A renderer for a terminal: a live progress block, failures above it.
 * @example
 * const r = createTtyRenderer({ out: process.stdout });
 * const stop = bus.on((e) => r.event(e));
 */
export function createTtyRenderer(options: TtyRendererOptions): Renderer {
  const { out } = options;
  const now = options.now ?? Date.now;
  const paint = painter(options.color ?? colorEnabled(out, options.env ?? process.env));
  const interval = 1000 / Math.min(10, Math.max(0.1, options.fps ?? 10));
  const maxRunning = options.maxRunning ?? 5;
  const createdAt = now();
  const tally = new Tally(true);
  const rate = new Rate();
  const above: (TaskFailed | PendingLog | { readonly printed: LogEvent })[] = [];
  let drawnLines = 0;
  let drawnVersion = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let cursorHidden = false;
  let done = false;

  const restoreCursor = (): void => {
    if (cursorHidden) out.write(SHOW_CURSOR);
    cursorHidden = false;
  };
  const timer = setInterval(() => safely(tick), interval);
  timer.unref?.();

  function tick(): void {
    const t = now();
    rate.sample(t, tally.finished);
    const changed = tally.version !== drawnVersion || above.length > 0;
    // Elapsed times of running tasks move on even when no event came.
    if (!changed && !(tally.running.size > 0 && t - lastDraw >= 1000)) return;
    let text = eraseBlock();
    if (!cursorHidden) {
      text = HIDE_CURSOR + text;
      cursorHidden = true;
      process.once('exit', restoreCursor);
    }
    const block = blockLines(t);
    out.write(`${text}${flushAbove()}${block.join('\n')}\n`);
    drawnLines = block.length;
    drawnVersion = tally.version;
    lastDraw = t;
  }

  function eraseBlock(): string {
    const text = drawnLines > 0 ? `\r${UP_CLEAR.repeat(drawnLines)}` : '';
    drawnLines = 0;
    return text;
  }

  function flushAbove(): string {
    let text = '';
    for (const item of above) {
      text +=
        'type' in item
          ? failureText(item, paint)
          : 'printed' in item
            ? `${oneLine(item.printed.message)}\n`
            : logText(item);
    }
    above.length = 0;
    return text;
  }

  function logText({ log, task }: PendingLog): string {
    const style = log.level === 'error' ? 'red' : 'yellow';
    const where =
      task === undefined ? '' : ` ${paint('dim', `(${taskTitle(task, undefined, log.taskId)})`)}`;
    const [first = '', ...rest] = String(log.message).split('\n').map(oneLine);
    return `${paint(style, log.level)} ${first}${where}\n${rest.map((l) => `  ${l}\n`).join('')}`;
  }

  function blockLines(t: number): string[] {
    const width = Math.max(20, (out.columns || 80) - 1);
    const start = tally.startTime ?? createdAt;
    const { finished, total } = tally;
    const perSecond = rate.perSecond();
    const remaining = total - finished;
    const ratio = total > 0 ? finished / total : 0;
    const barWidth = width >= 60 ? 24 : 10;
    const filled = Math.round(ratio * barWidth);
    const head: Segment[] = [
      ['█'.repeat(filled), tally.counts[FAILED]! > 0 ? 'red' : 'green'],
      ['░'.repeat(barWidth - filled), 'gray'],
      [` ${String(Math.floor(ratio * 100)).padStart(3)}% ${finished}/${total}`],
      [`  ${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)}/s`, 'dim'],
      [
        perSecond > 0 && remaining > 0
          ? `  ETA ${formatDuration((remaining / perSecond) * 1000)}`
          : '',
      ],
      [`  ${formatDuration(t - start)}`, 'dim'],
    ];
    const counts: Segment[] = [];
    for (const [label, n, style] of countParts(tally)) {
      if (counts.length > 0) counts.push([' · ', 'dim']);
      counts.push([`${n} ${label}`, n > 0 ? style : 'dim']);
    }
    const lines = [fitLine(head, width, paint), fitLine(counts, width, paint)];
    for (const s of longestRunning()) {
      const attempt = s.attempt > 1 ? ` attempt ${s.attempt}` : '';
      const segments: Segment[] = [
        [`  ${formatDuration(t - s.time).padStart(6)}  `, 'dim'],
        [taskTitle(s.name, s.label)],
        [attempt, 'yellow'],
      ];
      lines.push(fitLine(segments, width, paint));
    }
    const more = tally.running.size - Math.min(maxRunning, tally.running.size);
    if (more > 0) lines.push(fitLine([[`  … ${more} more running`, 'dim']], width, paint));
    return lines;
  }

  /** The running attempts that started first, oldest first. */
  function longestRunning() {
    const top: { name: string; label: string | undefined; attempt: number; time: number }[] = [];
    if (maxRunning <= 0) return top;
    let scanned = 0;
    for (const s of tally.running.values()) {
      if (++scanned > SCAN_LIMIT) break;
      if (top.length === maxRunning && s.time >= top[top.length - 1]!.time) continue;
      let i = top.length;
      while (i > 0 && top[i - 1]!.time > s.time) i--;
      top.splice(i, 0, s);
      if (top.length > maxRunning) top.pop();
    }
    return top;
  }

  function finish(): void {
    clearInterval(timer);
    process.off('exit', restoreCursor);
    done = true;
  }

  return {
    event(e) {
      if (done) return;
      try {
        tally.record(e);
        if (e.type === 'failed') above.push(e);
        else if (e.type === 'log' && mainOutput(e) !== undefined) above.push({ printed: e });
        else if (e.type === 'log' && (e.level === 'warn' || e.level === 'error')) {
          above.push({ log: e, task: tally.running.get(e.taskId)?.name });
        } else if (e.type === 'run_finished') {
          const elapsed = e.time - (tally.startTime ?? createdAt);
          out.write(`${eraseBlock()}${flushAbove()}${summaryLine(tally, elapsed, paint)}\n`);
        }
      } catch {
        // A renderer never throws (a malformed event, a broken output).
      }
      if (e?.type === 'run_finished') {
        safely(restoreCursor);
        finish();
      }
    },
    close() {
      if (done) return;
      // No summary came: leave the last state of the block on screen.
      safely(() => {
        if (tally.version > 0)
          out.write(`${eraseBlock()}${flushAbove()}${blockLines(now()).join('\n')}\n`);
      });
      safely(restoreCursor);
      finish();
    },
  };
}

/** Formats a failure for printing above the block: title, then the error's first lines. */
export function failureText(e: TaskFailed, paint: Paint): string {
  const attempt = e.attempt > 1 ? ` (attempt ${e.attempt})` : '';
  const head = `${paint(['red', 'bold'], '✖ failed')} ${taskTitle(e.name, e.label, e.taskId)}${attempt}`;
  const lines = errorLines(e.error).map((l, i) => `    ${i === 0 ? l : paint('dim', l)}\n`);
  return `${head}\n${lines.join('')}`;
}
