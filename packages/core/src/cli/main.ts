/**
 * @module
 * The `weft` command: builds the program (one file per command in
 * `commands/`, each loading what it needs only when it runs), and maps what
 * ends a command to an exit code and a message: 0 success, 1 a failed run,
 * 2 a usage or config error (`error: <message>`, no stack), 130 after
 * Ctrl-C; an unexpected error prints its stack.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { weftVersion } from '../vocabulary/version.ts';
import { registerBuild } from './commands/build.ts';
import { registerCache } from './commands/cache.ts';
import { registerCancel } from './commands/cancel.ts';
import { registerExec } from './commands/exec.ts';
import { registerExport } from './commands/export.ts';
import { registerGraph } from './commands/graph.ts';
import { registerLogs } from './commands/logs.ts';
import { registerPluginCommands } from './commands/plugin-commands.ts';
import { registerPrune } from './commands/prune.ts';
import { registerResume } from './commands/resume.ts';
import { registerRun } from './commands/run.ts';
import { registerRuns } from './commands/runs.ts';
import { registerShow } from './commands/show.ts';
import { registerSubmit } from './commands/submit.ts';
import { EXIT_OK, EXIT_USAGE, errorText, exitCodeOf } from './errors.ts';
import { err } from './format.ts';

const EXAMPLES = `
Examples:
  $ weft run pipeline.ts --mode prod      # run a workflow, live progress
  $ weft runs                             # recorded runs, newest first
  $ weft show 01jd3k --state failed       # a run's failed tasks
  $ weft logs 01jd3k load-2024 --follow   # a task's log
  $ weft resume 01jd3k                    # continue a run that stopped
  $ weft rerun 01jd3k --from-failure      # rerun only what failed
  $ weft graph pipeline.ts --format dot   # the graph, without running it
  $ weft run montage.json --cores 16      # a WfFormat (WfCommons) instance
  $ weft submit pipeline.ts --mode hpc    # hand the whole graph to Slurm, and exit
  $ weft export 01jd3k > run.json         # a run as a WfFormat 1.5 instance
  $ weft cache clear --older-than 7d      # forget cached results of older runs
  $ weft prune --older-than 30d --dry-run # what deleting old runs would delete
  $ weft build results/all.vcf -n         # what building a target would run, and why

Runs are recorded in .weft/weft.db beside the nearest weft.config.ts (else in
the working directory); --store <path> reads another store.
`;

/** The program, with every command; `done` receives the command's exit code. */
export function buildProgram(done: (code: number) => void): Command {
  const program = new Command('weft')
    .description('weft: run workflows and inspect their runs')
    .version(weftVersion(), '-v, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    })
    .addHelpText('after', EXAMPLES);
  registerRun(program, done);
  registerSubmit(program, done);
  registerResume(program, done);
  registerRuns(program, done);
  registerShow(program, done);
  registerLogs(program, done);
  registerCancel(program, done);
  registerGraph(program, done);
  registerExport(program, done);
  registerCache(program, done);
  registerPrune(program, done);
  registerExec(program, done);
  registerBuild(program, done);
  registerPluginCommands(program, done);
  return program;
}

/**
 * Runs the `weft` command line and returns its exit code.
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  let code = EXIT_OK;
  try {
    await discoverPlugins(process.cwd());
    const program = buildProgram((c) => {
      code = c;
    });
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander already printed its message otherwise.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    err(errorText(error));
    return exitCodeOf(error);
  }
}

/** Loads the plugins the project at `cwd` asks for (see `plugins.ts`), unless WEFT_NO_PLUGINS=1. */
async function discoverPlugins(cwd: string): Promise<void> {
  if (process.env.WEFT_NO_PLUGINS === '1') return;
  const [{ findPlugins, loadPlugins }, { findConfigFile }] = await Promise.all([
    import('./plugins.ts'),
    import('../config/load-config.ts'),
  ]);
  const configFile = findConfigFile(cwd);
  let listed: { file: string; plugins: readonly unknown[] } | undefined;
  // The config file is imported only when it may list plugins: it is user code.
  if (configFile !== undefined && readFileSync(configFile, 'utf8').includes('plugins')) {
    const { loadConfigFile } = await import('../config/load-config.ts');
    const config = await loadConfigFile(configFile);
    if (config.plugins !== undefined) listed = { file: configFile, plugins: config.plugins };
  }
  const sources = findPlugins(cwd, listed);
  if (sources.length > 0) await loadPlugins(sources, err);
}

/** Runs the command and exits the process with its code (what `bin/weft.js` calls). */
export async function cli(): Promise<void> {
  process.stdout.on('error', exitOnBrokenPipe);
  const code = await main(process.argv);
  process.exitCode = code;
  // Exit even if something (a closing store, a worker) still holds the event loop.
  setTimeout(() => process.exit(code), 50).unref();
}

function exitOnBrokenPipe(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
}
