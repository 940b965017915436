/**
 * @module
 * `weft run <workflow>`: imports the workflow module and runs its default
 * export as main, with the live progress display (or `--json`, `--quiet`),
 * or only prints its graph (`--dry-run`).
 */
import { basename, dirname } from 'node:path';
import { type Command, Option } from 'commander';
import { findConfigFile } from '../../config/load-config.ts';
import { dryRun, waitingNote } from '../dry-run.ts';
import { EXIT_OK } from '../errors.ts';
import { execute } from '../execute.ts';
import { err, out } from '../format.ts';
import { formatGraph, GRAPH_FORMATS } from '../graph-view.ts';
import { collect, parsePairs } from '../params.ts';
import {
  addEngineOptions,
  addOutputOptions,
  engineOptions,
  type RunFlags,
} from '../run-options.ts';
import { storePath } from '../store.ts';
import { chooseMode, loadWorkflow, workflowParams } from '../workflow.ts';

interface Flags extends RunFlags {
  readonly mode?: string;
  readonly param?: string[];
  readonly dryRun?: boolean;
  readonly format: string;
  readonly expand?: boolean;
}

const EXAMPLES = `
Examples:
  $ weft run pipeline.ts
  $ weft run pipeline.ts --mode prod --param date=2025-01-31 --param limit=100
  $ weft run pipeline.ts --executor threads -j 8 --keep-going --retries 2
  $ weft run pipeline.ts --set db.url=postgres://localhost/dev --no-cache
  $ weft run pipeline.ts --dry-run --format dot | dot -Tsvg > graph.svg
  $ weft run pipeline.ts --json | jq -c 'select(.type == "failed")'

The module's default export is the main function, called as main(params).
When the module exports \`params\` as a Standard Schema (zod, valibot, ...),
--param values are validated by it. Exit codes: 0 succeeded, 1 failed,
2 usage or config error, 130 interrupted (Ctrl-C; the run can be resumed).
`;

/** Adds `weft run` to the program; `done` receives the exit code. */
export function registerRun(program: Command, done: (code: number) => void): void {
  const cmd = program
    .command('run')
    .description('run a workflow module')
    .argument('<workflow>', 'the workflow module (.ts, .js); its default export is main')
    .option(
      '--mode <name>',
      "mode of weft.config.ts (default: WEFT_MODE, else the file's defaultMode)",
    )
    .option('--param <key=value>', 'a parameter for main (repeatable; JSON or string)', collect);
  addEngineOptions(cmd);
  addOutputOptions(cmd);
  cmd
    .option('--dry-run', 'print the graph main builds, without running any task')
    .addOption(
      new Option('--format <format>', 'graph format for --dry-run')
        .choices(GRAPH_FORMATS)
        .default('mermaid'),
    )
    .option('--expand', 'with --dry-run: one node per task, even for large graphs')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: Flags) => done(await runWorkflow(file, flags)));
}

async function runWorkflow(file: string, flags: Flags): Promise<number> {
  const engine = await engineOptions(flags); // bad --set before importing anything
  const given = parsePairs(flags.param, '--param');
  const workflow = await loadWorkflow(file);
  const params = await workflowParams(workflow, given);
  const cwd = dirname(workflow.path);
  const mode = await chooseMode(flags.mode, cwd);
  const options = {
    ...engine,
    cwd,
    // Where `weft runs` from here finds it: beside the project's config, else here.
    store: await storePath(flags.store, findConfigFile(cwd) === undefined ? process.cwd() : cwd),
    workflow: workflow.path,
    params,
    ...(mode === undefined ? {} : { mode }),
  };
  const main = () => workflow.main(params);
  if (flags.dryRun) {
    const { executor: _ignored, cache: _none, ...rest } = options;
    const found = await dryRun(main, rest);
    if (found.mainWaiting) err(waitingNote(found));
    out(await formatGraph(found.view, flags.format, flags.expand === true));
    return EXIT_OK;
  }
  return execute({
    main,
    options,
    json: flags.json,
    quiet: flags.quiet,
    title: `run ${basename(workflow.path)}${mode === undefined ? '' : ` (mode ${mode})`}`,
  });
}
