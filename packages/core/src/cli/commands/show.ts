/**
 * @module
 * `weft show <run-id>`: a run's header (workflow, mode, state, times,
 * counts) and its tasks as a table, filtered by state and name.
 */

import type { Command } from 'commander';
import { decodeResult, MISSING } from '../../store/result-codec.ts';
import type { RunRecord, TaskRecord } from '../../store/run-store.ts';
import { STATE_NAMES, type TaskState } from '../../vocabulary/state.ts';
import { artifactsBeside } from '../batch.ts';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.ts';
import {
  countsText,
  err,
  firstLine,
  formatDuration,
  formatTime,
  oneLine,
  out,
  type Paint,
  printJson,
  span,
  stateStyle,
  stdoutPaint,
  stdoutWidth,
} from '../format.ts';
import { collect } from '../params.ts';
import { messageLines, taskTitle } from '../render/format.ts';
import { resultJson, resultText } from '../result.ts';
import { modeOption, storeOption, wholeNumber } from '../run-options.ts';
import { type OpenStore, withRun } from '../store.ts';
import { type Column, table } from '../table.ts';

interface Flags {
  readonly mode?: string;
  readonly state?: string[];
  readonly name?: string;
  readonly limit: number;
  readonly json?: boolean;
  readonly store?: string;
  readonly result?: boolean;
  readonly allSessions?: boolean;
}

const EXAMPLES = `
Examples:
  $ weft show 01jd3k
  $ weft show 01jd3k --state failed,upstream_failed
  $ weft show 01jd3k --name load --limit 20
  $ weft show 01jd3k --json | jq '.tasks[] | select(.attempts > 1)'

States: ${STATE_NAMES.join(', ')}.
`;

const COLUMNS: readonly Column<TaskRecord>[] = [
  { header: 'id', value: (t) => String(t.id), align: 'right' },
  { header: 'name', value: (t) => t.name, shrink: true, max: 40 },
  { header: 'label', value: (t) => t.label ?? '-', shrink: true, max: 32 },
  { header: 'state', value: (t) => t.state, style: (t) => stateStyle(t.state) },
  { header: 'attempts', value: (t) => String(t.attempts), align: 'right' },
  { header: 'duration', value: (t) => span(t.startedAt, t.endedAt), align: 'right' },
  { header: 'worker', value: (t) => t.worker ?? '-', shrink: true, max: 32 },
  { header: 'error', value: (t) => firstLine(t.error?.message), shrink: true },
];

/** Adds `weft show` to the program. */
export function registerShow(program: Command, done: (code: number) => void): void {
  program
    .command('show')
    .description("a run's details and its tasks")
    .argument('<run-id>', 'the run (id or unique prefix)')
    .option('--state <states>', 'only tasks in these states (repeatable or comma list)', collect)
    .option('--name <text>', 'only tasks whose name or label contains this text')
    .option('-n, --limit <n>', 'tasks to show at most', wholeNumber(1), 200)
    .option('--json', 'the run and its tasks as JSON')
    .option('--result', "print what the run returned (its main function's value)")
    .option('--all-sessions', 'the tasks of every session of a resumed run (default: the latest)')
    .addOption(storeOption())
    .addOption(modeOption())
    .addHelpText('after', EXAMPLES)
    .action(async (id: string, flags: Flags) => done(await show(id, flags)));
}

/** The states asked for, checked. */
export function parseStates(values: readonly string[] | undefined): TaskState[] | undefined {
  if (values === undefined) return undefined;
  const states = values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const s of states) {
    if (!(STATE_NAMES as readonly string[]).includes(s)) {
      throw new UsageError(`unknown task state "${s}"; expected one of: ${STATE_NAMES.join(', ')}`);
    }
  }
  return states as TaskState[];
}

async function show(id: string, flags: Flags): Promise<number> {
  const states = parseStates(flags.state);
  if (flags.result)
    return withRun({ store: flags.store, mode: flags.mode }, id, (o, r) => showResult(o, r, flags));
  await withRun({ store: flags.store, mode: flags.mode }, id, (opened, run) => {
    const query = {
      limit: flags.limit,
      ...(states === undefined ? {} : { states }),
      ...(flags.name === undefined ? {} : { name: flags.name }),
      ...(flags.allSessions ? {} : { session: 'latest' as const }),
    };
    const tasks = opened.store.tasks(run.id, query);
    if (flags.json) return printJson({ run, tasks });
    const paint = stdoutPaint();
    out(header(run, paint));
    if (tasks.length === 0) {
      err(states || flags.name ? 'no task matches\n' : 'no tasks\n');
      return;
    }
    out(table(COLUMNS, tasks, { paint, width: stdoutWidth() }));
    out(failureDetails(tasks, paint));
    const total = Object.values(run.counts).reduce((a, b) => a + b, 0);
    if (
      tasks.length === flags.limit &&
      states === undefined &&
      flags.name === undefined &&
      total > tasks.length
    ) {
      err(`… ${total - tasks.length} more tasks (--limit, --state, --name)\n`);
    }
  });
  return EXIT_OK;
}

/** `--result`: the run's value, as JSON with --json, else summarised; exit 1 when there is none. */
function showResult(opened: OpenStore, run: RunRecord, flags: Flags): number {
  const stored = opened.store.runResult(run.id);
  if (stored === undefined) {
    err(
      run.state === 'succeeded'
        ? `run ${run.id} recorded no result (its value could not be stored: a function, say)\n`
        : `run ${run.id} has no result: it ${run.state === 'running' ? 'is still running' : `ended ${run.state}`}\n`,
    );
    return EXIT_FAILED;
  }
  const value = decodeResult(stored, artifactsBeside(opened));
  if (value === MISSING) {
    err(`run ${run.id}: its result is an artifact that can no longer be read (${stored.kind})\n`);
    return EXIT_FAILED;
  }
  out(flags.json ? `${JSON.stringify(resultJson(value), null, 2)}\n` : `${resultText(value)}\n`);
  return EXIT_OK;
}

/**
 * Each failed task's whole error message below the table, where one line
 * per task would cut it (a command's stderr tail, say), at most 5 tasks.
 */
function failureDetails(tasks: readonly TaskRecord[], paint: Paint): string {
  const failed = tasks.filter((t) => t.state === 'failed' && t.error !== undefined);
  if (failed.length === 0) return '';
  const shown = failed.slice(0, 5).map((t) => {
    const [head, ...rest] = messageLines(t.error);
    const title = paint(['red', 'bold'], `${taskTitle(t.name, t.label, t.id)} failed`);
    return `\n${title}\n  ${head}\n${rest.map((l) => `  ${l}\n`).join('')}`;
  });
  const more =
    failed.length > 5 ? `\n… ${failed.length - 5} more failed tasks (--state failed --json)\n` : '';
  return shown.join('') + more;
}

function header(run: RunRecord, paint: Paint): string {
  const state = paint(['bold', stateStyle(run.state) ?? 'white'], run.state);
  const rows: [string, string][] = [
    ['run', `${run.id}  ${state}`],
    ['workflow', oneLine(run.workflow ?? '-')],
    ['mode', oneLine(`${run.mode ?? '-'}  (executor ${run.executor})`)],
    ['tasks', countsText(run.counts)],
    ['started', `${formatTime(run.startedAt)}  on ${oneLine(run.host)} (pid ${run.pid})`],
    ['duration', formatDuration(run.activeMs)],
  ];
  if (run.params !== undefined && Object.keys(run.params).length > 0) {
    rows.push(['params', oneLine(JSON.stringify(run.params))]);
  }
  if (run.sessions > 1) {
    rows.push([
      'sessions',
      `${run.sessions} (resumed ${run.sessions - 1}×; the latest from ${formatTime(run.sessionStartedAt)}, tasks from #${run.sessionFirstTask}; --all-sessions for earlier ones)`,
    ]);
  }
  if (run.rerunOf !== undefined) rows.push(['rerun of', run.rerunOf]);
  if (run.cancelRequested !== undefined) {
    rows.push(['cancel', oneLine(`requested: ${run.cancelRequested}`)]);
  }
  return `${rows.map(([k, v]) => `${paint('dim', k.padEnd(9))} ${v}`).join('\n')}\n\n`;
}
