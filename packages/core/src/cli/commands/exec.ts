/**
 * @module
 * `weft exec <run-dir> <key>`: runs one task attempt of a batch run inside a
 * batch job (see `worker/exec.ts`). `bin/weft.js` starts it without loading
 * the rest of the command line; this entry is for `weft --help` and for
 * `main()` called in-process.
 */
import type { Command } from 'commander';

/** Adds `weft exec` to the program. */
export function registerExec(program: Command, done: (code: number) => void): void {
  program
    .command('exec')
    .description('run one task attempt from a batch run directory (inside a batch job)')
    .argument('<run-dir>', "the batch run's directory on the shared filesystem")
    .argument('<key>', 'the task file: <run-dir>/tasks/<key>.task')
    .option(
      '--root <dir>',
      'the project root task modules must lie in (default: nearest weft.config.ts, else package.json)',
    )
    .action(async (dir: string, key: string, flags: { root?: string }) => {
      const { execMain } = await import('../../worker/exec-main.ts');
      done(await execMain([dir, key, ...(flags.root === undefined ? [] : ['--root', flags.root])]));
    });
}
