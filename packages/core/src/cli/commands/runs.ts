/**
 * @module
 * `weft runs`: the recorded runs, newest first, as a table (id, workflow,
 * mode, state, tasks by state, start, duration) or JSON.
 */
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import type { RunRecord, RunState } from '../../store/run-store.ts';
import { EXIT_OK } from '../errors.ts';
import {
  countsText,
  err,
  formatDuration,
  formatWhen,
  out,
  printJson,
  stateStyle,
  stdoutPaint,
  stdoutWidth,
} from '../format.ts';
import { modeOption, storeOption, wholeNumber } from '../run-options.ts';
import { openStore, storePath } from '../store.ts';
import { type Column, table } from '../table.ts';

interface Flags {
  readonly mode?: string;
  readonly limit: number;
  readonly state?: RunState;
  readonly json?: boolean;
  readonly store?: string;
}

const EXAMPLES = `
Examples:
  $ weft runs
  $ weft runs --state failed --limit 5
  $ weft runs --json | jq -r '.[0].id'
`;

const COLUMNS: readonly Column<RunRecord>[] = [
  { header: 'id', value: (r) => r.id },
  {
    header: 'workflow',
    value: (r) => (r.workflow === undefined ? '-' : basename(r.workflow)),
    shrink: true,
  },
  { header: 'mode', value: (r) => r.mode ?? '-', shrink: true },
  { header: 'state', value: (r) => r.state, style: (r) => stateStyle(r.state) },
  { header: 'tasks', value: (r) => countsText(r.counts), shrink: true },
  { header: 'started', value: (r) => formatWhen(r.startedAt) },
  // The time its sessions ran: a resumed run's idle gap is not counted.
  { header: 'duration', value: (r) => formatDuration(r.activeMs), align: 'right' },
];

/** Adds `weft runs` to the program. */
export function registerRuns(program: Command, done: (code: number) => void): void {
  program
    .command('runs')
    .description('list recorded runs, newest first')
    .option('-n, --limit <n>', 'runs to show at most', wholeNumber(1), 20)
    .addOption(
      new Option('--state <state>', 'only runs in this state').choices([
        'running',
        'interrupted',
        'succeeded',
        'failed',
        'cancelled',
      ]),
    )
    .option('--json', 'the runs as a JSON array')
    .addOption(storeOption())
    .addOption(modeOption())
    .addHelpText('after', EXAMPLES)
    .action(async (flags: Flags) => done(await listRuns(flags)));
}

async function listRuns(flags: Flags): Promise<number> {
  const opened = await openStore({ store: flags.store, mode: flags.mode });
  if (opened === undefined) {
    if (flags.json) printJson([]);
    else err(`no runs recorded yet (no run store at ${await storePath(flags.store)})\n`);
    return EXIT_OK;
  }
  try {
    const query = {
      limit: flags.limit,
      ...(flags.state === undefined ? {} : { state: flags.state }),
    };
    let runs = opened.store.runs(query);
    // Runs handed to a batch system are brought up to date from it first.
    const { followed, isHanded } = await import('../batch.ts');
    if (runs.some(isHanded)) {
      for (const r of runs) if (isHanded(r)) await followed(opened, r);
      runs = opened.store.runs(query);
    }
    if (flags.json) printJson(runs);
    else if (runs.length === 0) err(`no runs recorded in ${opened.path}\n`);
    else out(table(COLUMNS, runs, { paint: stdoutPaint(), width: stdoutWidth() }));
    return EXIT_OK;
  } finally {
    await opened.close();
  }
}
