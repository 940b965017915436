/**
 * @module
 * `weft export <run-id> --format wfformat`: writes a recorded run (any
 * run, not only an imported instance) as a WfFormat 1.5 instance, on
 * standard output or to a file (`-o`).
 */
import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { isWeftError } from '../../errors/base.ts';
import { artifactsBeside } from '../batch.ts';
import { EXIT_OK, UsageError } from '../errors.ts';
import { err, out } from '../format.ts';
import { modeOption, storeOption } from '../run-options.ts';
import { withRun } from '../store.ts';

interface Flags {
  readonly format: string;
  readonly output?: string;
  readonly store?: string;
  readonly mode?: string;
}

const EXAMPLES = `
Examples:
  $ weft export 01jd3k --format wfformat > run.json
  $ weft export 01jd3k -o run.json --store other/weft.db

The document follows the WfFormat 1.5 schema of WfCommons: each task of the
run's latest session with its id (its label, else <name>_<id>), name,
parents and children, runtime, cores (its cpus requirement) and machine, and
the run's makespan. A run of an imported instance (weft run trace.json)
takes back its tasks' names, commands and files from that file; any other
run lists the files its tasks' results name (a command's declared outputs,
a target, a step's file products; a task's inputs are the outputs of the
tasks it depends on), with their sizes when they exist here.
`;

/** Adds `weft export` to the program. */
export function registerExport(program: Command, done: (code: number) => void): void {
  program
    .command('export')
    .description('write a recorded run in another format (WfFormat 1.5)')
    .argument('<run-id>', 'the run (id or unique prefix)')
    .addOption(
      new Option('--format <format>', 'the format to write')
        .choices(['wfformat'])
        .default('wfformat'),
    )
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .addOption(storeOption())
    .addOption(modeOption())
    .addHelpText('after', EXAMPLES)
    .action(async (id: string, flags: Flags) => done(await exportCommand(id, flags)));
}

async function exportCommand(idOrPrefix: string, flags: Flags): Promise<number> {
  const { exportRun, importedInstance } = await import('../../frontends/wfformat/export.ts');
  const text = await withRun(
    { store: flags.store, mode: flags.mode },
    idOrPrefix,
    async (opened, run) => {
      const instance = await importedInstance(run);
      try {
        // Results too large for the store are in the artifact store beside it.
        const artifacts = artifactsBeside(opened);
        const doc = exportRun(opened.store, run.id, {
          ...(instance === undefined ? {} : { instance }),
          ...(artifacts === undefined ? {} : { artifacts }),
        });
        return `${JSON.stringify(doc, null, 2)}\n`;
      } catch (error) {
        // A run with nothing to export is the command's usage error (exit 2).
        if (isWeftError(error) && error.code === 'WEFT_WFFORMAT_EXPORT') {
          throw new UsageError(error.message, { cause: error });
        }
        throw error;
      }
    },
  );
  if (flags.output === undefined) out(text);
  else {
    await writeFile(flags.output, text);
    err(`wrote run ${idOrPrefix} as WfFormat 1.5 to ${flags.output}\n`);
  }
  return EXIT_OK;
}
