/**
 * @module
 * `weft cache clear [--older-than <duration>]`: forgets the cached results
 * of the runs that started more than that long ago (of every run without
 * it), so that their tasks run again; their results and records stay, for
 * `weft show`, `resume` and `rerun`.
 */
import type { Command } from 'commander';
import { cutoff } from '../age.ts';
import { EXIT_OK } from '../errors.ts';
import { err, formatTime, out } from '../format.ts';
import { modeOption, storeOption } from '../run-options.ts';
import { openStore, storePath } from '../store.ts';

interface Flags {
  readonly olderThan?: string;
  readonly mode?: string;
  readonly store?: string;
}

const EXAMPLES = `
Examples:
  $ weft cache clear                  # every cached result: tasks run again
  $ weft cache clear --older-than 7d  # of runs started more than 7 days ago

The runs and their results stay (weft show, resume and rerun still read
them); weft prune deletes old runs themselves.
`;

/** Adds `weft cache` (with `clear`) to the program. */
export function registerCache(program: Command, done: (code: number) => void): void {
  const cache = program.command('cache').description('manage the cache of task results');
  cache
    .command('clear')
    .description('forget cached task results, so that those tasks run again')
    .option(
      '--older-than <duration>',
      'only the results of runs started more than this long ago (90s, 30m, 12h, 7d)',
    )
    .addOption(storeOption())
    .addOption(modeOption())
    .addHelpText('after', EXAMPLES)
    .action(async (flags: Flags) => done(await clear(flags)));
}

async function clear(flags: Flags): Promise<number> {
  const before =
    flags.olderThan === undefined ? undefined : cutoff('--older-than', flags.olderThan);
  const opened = await openStore({ store: flags.store, mode: flags.mode });
  if (opened === undefined) {
    err(`nothing to clear: no run store at ${await storePath(flags.store)}\n`);
    return EXIT_OK;
  }
  try {
    const n = opened.store.clearCache(before === undefined ? {} : { before });
    const which = before === undefined ? '' : ` (runs started before ${formatTime(before)})`;
    out(`forgot ${n} cached result${n === 1 ? '' : 's'}${which}\n`);
    return EXIT_OK;
  } finally {
    await opened.close();
  }
}
