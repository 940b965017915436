/**
 * @module
 * `weft cancel <run-id>`: asks a run running in another process to cancel
 * (through the store, which the run polls every second); `--wait` waits
 * until it has stopped.
 */
import type { Command } from 'commander';
import { EXIT_FAILED, EXIT_OK } from '../errors.ts';
import { err } from '../format.ts';
import { modeOption, storeOption } from '../run-options.ts';
import { isOrphaned, withRun } from '../store.ts';

interface Flags {
  readonly mode?: string;
  readonly reason?: string;
  readonly wait?: boolean;
  readonly store?: string;
}

const EXAMPLES = `
Examples:
  $ weft cancel 01jd3k
  $ weft cancel 01jd3k --wait --reason "wrong input"

The run stops dispatching, cancels its running tasks through their signal,
and ends in state cancelled; weft resume continues it later.
`;

const POLL_MS = 200;

/** Adds `weft cancel` to the program. */
export function registerCancel(program: Command, done: (code: number) => void): void {
  program
    .command('cancel')
    .description(
      'cancel a run that is running (in any process on this machine or sharing the store)',
    )
    .argument('<run-id>', 'the run (id or unique prefix)')
    .option('--reason <text>', 'why, recorded with the run')
    .option('--wait', 'wait until the run has stopped')
    .addOption(storeOption())
    .addOption(modeOption())
    .addHelpText('after', EXAMPLES)
    .action(async (id: string, flags: Flags) => done(await cancel(id, flags)));
}

async function cancel(id: string, flags: Flags): Promise<number> {
  return withRun({ store: flags.store, mode: flags.mode }, id, async (opened, run) => {
    const store = opened.store;
    const reason = flags.reason ?? `cancelled by weft cancel (pid ${process.pid})`;
    // A run handed to a batch system: its jobs are withdrawn here and now.
    const { cancelHanded } = await import('../batch.ts');
    if (await cancelHanded(opened, run, reason)) {
      err(`run ${run.id} ended: ${store.run(run.id)?.state ?? 'cancelled'}\n`);
      return EXIT_OK;
    }
    if (run.state !== 'running' && run.state !== 'interrupted') {
      err(`run ${run.id} is not running (${run.state}): nothing to cancel\n`);
      return EXIT_OK;
    }
    if (run.state === 'interrupted' || isOrphaned(run)) {
      err(
        `run ${run.id} is recorded as running, but its process ${run.pid} is gone: ` +
          `it stopped without closing its record; continue it with weft resume ${run.id}\n`,
      );
      return EXIT_FAILED;
    }
    store.requestCancel(run.id, reason);
    err(`asked run ${run.id} to cancel\n`);
    if (!flags.wait) return EXIT_OK;
    let state: string = run.state;
    while (state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const now = store.run(run.id);
      state = now?.state ?? 'cancelled';
      if (now !== undefined && (now.state === 'interrupted' || isOrphaned(now))) {
        err(`run ${run.id}: its process ${now.pid} ended without closing the record\n`);
        return EXIT_FAILED;
      }
    }
    err(`run ${run.id} ended: ${state}\n`);
    return EXIT_OK;
  });
}
