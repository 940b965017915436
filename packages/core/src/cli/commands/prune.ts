/**
 * @module
 * `weft prune --older-than <duration> [--dry-run] [--json]`: deletes the
 * runs that ended more than that long ago (never a running one) with
 * everything recorded of them, then the artifacts that no remaining record
 * references (`prune-artifacts.ts` says which store, and what is spared),
 * and says what it deleted; `--dry-run` says what it would delete.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { RunRecord } from '../../store/run-store.ts';
import { cutoff } from '../age.ts';
import { EXIT_OK } from '../errors.ts';
import {
  err,
  formatTime,
  formatWhen,
  out,
  printJson,
  stateStyle,
  stdoutPaint,
  stdoutWidth,
} from '../format.ts';
import { activity, artifactTarget, type Swept, sweep } from '../prune-artifacts.ts';
import { modeOption, storeOption } from '../run-options.ts';
import { openStore, storePath } from '../store.ts';
import { type Column, table } from '../table.ts';

interface Flags {
  readonly olderThan: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly mode?: string;
  readonly store?: string;
}

const EXAMPLES = `
Examples:
  $ weft prune --older-than 30d --dry-run   # what it would delete
  $ weft prune --older-than 30d
  $ weft prune --older-than 12h --json | jq '.runs | length'

A run that is running is never deleted; one whose process is gone
(interrupted) counts from its last activity. Artifacts a running run may be
about to use (written since it started) are kept.
`;

/** When a run ended, as prune counts it: interrupted runs by their last activity. */
const endOf = (r: RunRecord) => (r.state === 'interrupted' ? r.lastActiveAt : r.endedAt);

const COLUMNS: readonly Column<RunRecord>[] = [
  { header: 'id', value: (r) => r.id },
  {
    header: 'workflow',
    value: (r) => (r.workflow === undefined ? '-' : basename(r.workflow)),
    shrink: true,
  },
  { header: 'state', value: (r) => r.state, style: (r) => stateStyle(r.state) },
  { header: 'ended', value: (r) => formatWhen(endOf(r)) },
];

/** Adds `weft prune` to the program. */
export function registerPrune(program: Command, done: (code: number) => void): void {
  program
    .command('prune')
    .description('delete old runs, and the artifacts no remaining run references')
    .requiredOption(
      '--older-than <duration>',
      'delete the runs that ended more than this long ago (90s, 30m, 12h, 7d)',
    )
    .option('--dry-run', 'say what would be deleted, deleting nothing')
    .option('--json', 'what was deleted, as JSON')
    .addOption(storeOption())
    .addOption(modeOption())
    .addHelpText('after', EXAMPLES)
    .action(async (flags: Flags) => done(await prune(flags)));
}

interface Pruned {
  readonly runs: readonly RunRecord[];
  readonly ids: readonly string[];
  /** The artifact store's location; undefined when there is no run store. */
  readonly location: string | undefined;
  readonly swept: Swept;
}

async function prune(flags: Flags): Promise<number> {
  const start = Date.now();
  const endedBefore = cutoff('--older-than', flags.olderThan, start);
  const dryRun = flags.dryRun === true;
  const choice = { store: flags.store, mode: flags.mode };
  const opened = await openStore(choice);
  if (opened === undefined) {
    const none: Swept = { hashes: [], bytes: 0, recent: 0, skipped: undefined };
    if (flags.json)
      printJson(json(dryRun, endedBefore, { runs: [], ids: [], location: undefined, swept: none }));
    else err(`nothing to prune: no run store at ${await storePath(flags.store)}\n`);
    return EXIT_OK;
  }
  const target = await artifactTarget(opened, choice).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
  try {
    const store = opened.store;
    // Listed first: what is written from now on is no candidate.
    const held = await target.artifacts.list();
    const planned = store.deleteRuns({ endedBefore, dryRun: true });
    const records = new Map<string, RunRecord>();
    for (const id of planned) {
      const run = store.run(id);
      if (run !== undefined) records.set(id, run);
    }
    const ids = dryRun ? planned : store.deleteRuns({ endedBefore });
    const referenced = new Set(store.artifactHashes(dryRun ? { exceptRuns: ids } : {}));
    for (const other of target.others)
      for (const hash of other.artifactHashes()) referenced.add(hash);
    const { since, running } = activity([store, ...target.others], start);
    const swept = await sweep({
      artifacts: target.artifacts,
      held,
      referenced,
      since,
      running,
      unsafe: target.unsafe,
      dryRun,
    });
    const runs = ids.flatMap((id) => records.get(id) ?? []);
    const pruned = { runs, ids, location: target.artifacts.location, swept };
    if (flags.json) printJson(json(dryRun, endedBefore, pruned));
    else out(text(dryRun, endedBefore, since, pruned));
    return EXIT_OK;
  } finally {
    await target.close();
    await opened.close();
  }
}

function json(dryRun: boolean, endedBefore: number, p: Pruned) {
  return {
    dryRun,
    endedBefore,
    runs: p.ids,
    artifacts: p.swept.hashes,
    bytes: p.swept.bytes ?? null,
    artifactStore: p.location ?? null,
    keptRecent: p.swept.recent,
    artifactsSkipped: p.swept.skipped ?? null,
  };
}

function text(dryRun: boolean, endedBefore: number, since: number, p: Pruned): string {
  const verb = dryRun ? 'would delete' : 'deleted';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const n = p.ids.length;
  let s = `${verb} ${plural(n, 'run')} that ended before ${formatTime(endedBefore)}${n > 0 ? ':' : ''}\n`;
  if (n > 0) {
    const rows = table(COLUMNS, p.runs, { paint: stdoutPaint(), width: stdoutWidth() });
    s += rows
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}\n`)
      .join('');
  }
  const { hashes, bytes, recent, skipped } = p.swept;
  if (skipped !== undefined) s += `kept the artifacts in ${p.location}: ${skipped}\n`;
  else {
    const size = bytes === undefined || hashes.length === 0 ? '' : ` (${formatBytes(bytes)})`;
    s += `${verb} ${plural(hashes.length, 'unreferenced artifact')}${size} from ${p.location}\n`;
  }
  if (recent > 0) {
    s +=
      `kept ${plural(recent, 'unreferenced artifact')} written since ${formatTime(since)}: ` +
      `a run still running may use ${recent === 1 ? 'it' : 'them'}\n`;
  }
  return s;
}

/** `512 B`, `64.0 KiB`, `1.2 MiB`, `3.4 GiB`. */
function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
