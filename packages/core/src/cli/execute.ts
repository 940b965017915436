/**
 * @module
 * Running a workflow for `weft run`, `resume` and `rerun`: the renderer
 * attached to the run's events, the run id shown at start, Ctrl-C (first:
 * cancel and wait for the run to close its record; second: exit at once),
 * and the exit code, with a hint to resume or rerun a run that failed.
 */

import { isWeftError, serializeError } from '../errors/base.ts';
import type { RunEvent } from '../events/events.ts';
import type { RunOptions } from '../frontends/futures/run.ts';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from './errors.ts';
import { err, out, stderrPaint, terminal } from './format.ts';
import type { Renderer } from './render/index.ts';
import { resultJson, resultText } from './result.ts';

export interface ExecuteOptions {
  /** Calls the workflow's main function. */
  readonly main: () => unknown;
  readonly options: RunOptions;
  readonly json?: boolean | undefined;
  readonly quiet?: boolean | undefined;
  /** What runs, for the first line: `pipeline.ts`, `resume of pipeline.ts`. */
  readonly title: string;
  /** Extra arguments for the commands in hints (`--store x`). */
  readonly hintArgs?: string;
}

/** The signals that stop a run as Ctrl-C does, with the exit code each gives (128 + its number). */
const STOP_SIGNALS = [
  ['SIGINT', 'Ctrl-C', EXIT_INTERRUPTED],
  ['SIGTERM', 'SIGTERM', 143],
  ['SIGHUP', 'SIGHUP', 129],
] as const;

/**
 * Runs the workflow and returns the exit code: 0 succeeded, 1 failed or
 * cancelled, 130 interrupted by Ctrl-C (143 by SIGTERM, 129 by SIGHUP: what
 * systemd, containers, CI and a closed terminal send, handled alike).
 * Errors before the run started (config) are thrown.
 */
export async function execute(o: ExecuteOptions): Promise<number> {
  const [{ startRun }, { createRenderer }, { captureRunOutput }] = await Promise.all([
    import('../frontends/futures/run.ts'),
    import('./render/index.ts'),
    import('./run-output.ts'),
  ]);
  const chatty = !o.json && !o.quiet;
  const renderer = createRenderer({
    out: terminal('stdout'),
    err: terminal('stderr'),
    json: o.json,
    quiet: o.quiet,
    env: process.env,
  });
  const paint = stderrPaint();
  const title = (id: string): void => {
    if (chatty) err(`${paint('bold', 'weft')} ${o.title} ${paint('dim', `· run ${id}`)}\n`);
  };
  const onEvent = o.json ? (e: RunEvent) => renderer.event(e) : deferStart(renderer, title);
  const handle = startRun(o.main, { ...o.options, onEvent });
  // What tasks in this process and main print goes to the run's log.
  const releaseOutput = captureRunOutput(handle.id, handle.log);
  let interrupts = 0;
  let interruptedBy: (typeof STOP_SIGNALS)[number] | undefined;
  const handlers = STOP_SIGNALS.map((entry) => {
    const [signal, name, code] = entry;
    const onSignal = (): void => {
      if (++interrupts > 1) process.exit(code);
      interruptedBy = entry;
      if (!o.json) {
        const again = signal === 'SIGINT' ? 'Ctrl-C again' : `${name} again`;
        err(`\ninterrupted by ${name}: stopping running tasks (${again} to quit at once)\n`);
      }
      handle.cancel(`interrupted (${name})`);
    };
    process.on(signal, onSignal);
    return [signal, onSignal] as const;
  });
  try {
    const value = await handle.result();
    // After the renderer's summary: what the workflow gave back.
    renderer.close();
    if (o.json)
      out(`${JSON.stringify({ type: 'result', runId: handle.id, value: resultJson(value) })}\n`);
    else if (value !== undefined) out(`result: ${resultText(value)}\n`);
    return EXIT_OK;
  } catch (error) {
    if (!isWeftError(error)) throw error;
    const hints = hintText(handle.id, o.hintArgs ?? '');
    if (error.code === 'WEFT_RUN_CANCELLED') {
      if (interruptedBy !== undefined) {
        err(`run ${handle.id} was interrupted by ${interruptedBy[1]}\n${hints}`);
        return interruptedBy[2];
      }
      err(`error: ${error.message}\n${hints}`);
      return EXIT_FAILED;
    }
    if (error.code === 'WEFT_RUN_FAILED') {
      const failures = (error as { failures?: readonly unknown[] }).failures ?? [];
      err(failures.length === 0 ? mainErrorText(error) : `run ${handle.id} failed\n`);
      err(hints);
      return EXIT_FAILED;
    }
    throw error;
  } finally {
    for (const [signal, onSignal] of handlers) process.off(signal, onSignal);
    releaseOutput();
    renderer.close();
  }
}

/**
 * A listener that holds `run_started` back until the next event: when that
 * is `run_finished` (the run failed before main submitted anything: a
 * config error, which is printed as an error instead), the renderer never
 * hears of the run; otherwise the title goes first, then both events.
 */
function deferStart(renderer: Renderer, title: (id: string) => void): (e: RunEvent) => void {
  let held: RunEvent | undefined;
  let open = false;
  return (e) => {
    if (open) return renderer.event(e);
    if (e.type === 'run_started') {
      held = e;
      return;
    }
    if (e.type === 'run_finished' && e.state === 'failed') return;
    open = true;
    title(e.runId);
    if (held !== undefined) renderer.event(held);
    renderer.event(e);
  };
}

/** The run failed because main threw: the message, and the stack of an error that is not weft's. */
function mainErrorText(error: Error): string {
  const cause = error.cause;
  const stack =
    cause instanceof Error && !isWeftError(cause)
      ? `\n${(serializeError(cause).stack ?? '').split('\n').slice(1).join('\n')}`
      : '';
  return `error: ${error.message}${stack}\n`;
}

/** The commands that continue a run that did not succeed. */
function hintText(id: string, extra: string): string {
  const x = extra === '' ? '' : ` ${extra}`;
  const resume = `weft resume ${id}${x}`;
  const rerun = `weft rerun ${id} --from-failure${x}`;
  const w = Math.max(resume.length, rerun.length) + 3;
  return (
    `  ${resume.padEnd(w)}continue this run where it stopped\n` +
    `  ${rerun.padEnd(w)}a new run that reuses what succeeded\n`
  );
}
