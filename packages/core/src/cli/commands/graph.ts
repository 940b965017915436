/**
 * @module
 * `weft graph`: a recorded run's graph with its tasks' states (`--run`), or
 * the graph a workflow builds before running anything (a dry run), as
 * Mermaid, DOT or JSON.
 */
import { dirname } from 'node:path';
import { type Command, Option } from 'commander';
import { dryRun, waitingNote } from '../dry-run.ts';
import { EXIT_OK, UsageError } from '../errors.ts';
import { err, out } from '../format.ts';
import { formatGraph, GRAPH_FORMATS, viewOfTasks } from '../graph-view.ts';
import { collect, parsePairs } from '../params.ts';
import { storeOption } from '../run-options.ts';
import { withRun } from '../store.ts';
import { chooseMode, loadWorkflow, workflowParams } from '../workflow.ts';

interface Flags {
  readonly run?: string;
  readonly format: string;
  readonly expand?: boolean;
  readonly mode?: string;
  readonly param?: string[];
  readonly set?: string[];
  readonly store?: string;
}

const EXAMPLES = `
Examples:
  $ weft graph pipeline.ts                      # what main submits, as Mermaid
  $ weft graph pipeline.ts --param n=3 --format dot | dot -Tsvg > graph.svg
  $ weft graph --run 01jd3k --format json       # a recorded run, with states
  $ weft graph --run 01jd3k --expand            # one node per task, however many

Large graphs are collapsed to one node per task name unless --expand.
`;

/** Adds `weft graph` to the program. */
export function registerGraph(program: Command, done: (code: number) => void): void {
  program
    .command('graph')
    .description("print a workflow's graph (dry run) or a recorded run's graph")
    .argument('[workflow]', 'the workflow module (not needed with --run)')
    .option('--run <run-id>', 'the graph of a recorded run (id or unique prefix), with states')
    .addOption(
      new Option('--format <format>', 'output format').choices(GRAPH_FORMATS).default('mermaid'),
    )
    .option('--expand', 'one node per task, even for large graphs')
    .option(
      '--mode <name>',
      'mode of weft.config.ts (for the dry run, and whose runStore --run reads)',
    )
    .option('--param <key=value>', 'a parameter for main (repeatable)', collect)
    .option('--set <resource.key=value>', 'override a config value (repeatable)', collect)
    .addOption(storeOption())
    .addHelpText('after', EXAMPLES)
    .action(async (file: string | undefined, flags: Flags) => done(await graph(file, flags)));
}

async function graph(file: string | undefined, flags: Flags): Promise<number> {
  const expand = flags.expand === true;
  if (flags.run !== undefined) {
    const text = await withRun(
      { store: flags.store, mode: flags.mode },
      flags.run,
      async (opened, run) => {
        const tasks = opened.store.tasks(run.id, { limit: Number.MAX_SAFE_INTEGER });
        return formatGraph(viewOfTasks(tasks), flags.format, expand);
      },
    );
    out(text);
    return EXIT_OK;
  }
  if (file === undefined) throw new UsageError('give a workflow module, or --run <run-id>');
  const set = parsePairs(flags.set, '--set');
  const workflow = await loadWorkflow(file);
  const params = await workflowParams(workflow, parsePairs(flags.param, '--param'));
  const cwd = dirname(workflow.path);
  const mode = await chooseMode(flags.mode, cwd);
  const found = await dryRun(() => workflow.main(params), {
    cwd,
    workflow: workflow.path,
    params,
    ...(Object.keys(set).length === 0 ? {} : { set }),
    ...(mode === undefined ? {} : { mode }),
  });
  if (found.mainWaiting) err(waitingNote(found));
  out(await formatGraph(found.view, flags.format, expand));
  return EXIT_OK;
}
