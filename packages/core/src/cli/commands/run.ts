/**
 * @module
 * `weft run <workflow>`: imports the workflow module and runs its default
 * export as main, with the live progress display (or `--json`, `--quiet`),
 * or only prints its graph (`--dry-run`). A WfFormat instance (`.json`)
 * runs the same way, with its own flags (`--replay`, `--time-scale`,
 * `--cores`, ...) as its params, on an executor with `--cores` cpus, and
 * ends with its makespan beside the lower bound.
 */
import { basename, dirname } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { findConfigFile } from '../../config/load-config.ts';
import type { WfReport } from '../../frontends/wfformat/report.ts';
import { prestartWriteWorker } from '../../store/sqlite/channel.ts';
import { dryRun, waitingNote } from '../dry-run.ts';
import { EXIT_OK, UsageError } from '../errors.ts';
import { execute } from '../execute.ts';
import { err, out } from '../format.ts';
import { formatGraph, GRAPH_FORMATS } from '../graph-view.ts';
import { collect, parsePairs } from '../params.ts';
import {
  addEngineOptions,
  addOutputOptions,
  engineOptions,
  type RunFlags,
  wholeNumber,
} from '../run-options.ts';
import { storePath } from '../store.ts';
import { chooseMode, loadWorkflow, type Workflow, workflowParams } from '../workflow.ts';

interface Flags extends RunFlags {
  readonly mode?: string;
  readonly param?: string[];
  readonly dryRun?: boolean;
  readonly format: string;
  readonly expand?: boolean;
  readonly replay?: string;
  readonly timeScale?: number;
  readonly cores?: number;
  readonly sizeCap?: number;
  readonly filesDir?: string;
  readonly order?: string;
}

/** The flags of WfFormat instances, with the params they set. */
const INSTANCE_FLAGS = [
  ['replay', 'mode', '--replay'],
  ['timeScale', 'timeScale', '--time-scale'],
  ['cores', 'cores', '--cores'],
  ['sizeCap', 'sizeCap', '--size-cap'],
  ['filesDir', 'filesDir', '--files-dir'],
  ['order', 'order', '--order'],
] as const;

const EXAMPLES = `
Examples:
  $ weft run pipeline.ts
  $ weft run pipeline.ts --mode prod --param date=2025-01-31 --param limit=100
  $ weft run pipeline.ts --executor threads -j 8 --keep-going --retries 2
  $ weft run pipeline.ts --set db.url=postgres://localhost/dev --no-cache
  $ weft run pipeline.ts --dry-run --format dot | dot -Tsvg > graph.svg
  $ weft run pipeline.ts --json | jq -c 'select(.type == "failed")'
  $ weft run montage.json --cores 16 --time-scale 0.01
  $ weft run montage.json --replay files --size-cap 65536 --files-dir /tmp/montage

The module's default export is the main function, called as main(params).
When the module exports \`params\` as a Standard Schema (zod, valibot, ...),
--param values are validated by it. A .json file is a WfFormat (WfCommons)
instance, versions 1.0 to 1.5: each task waits its recorded runtime times
--time-scale (--replay simulate) or also writes its output files and checks
its inputs (--replay files), takes its recorded cores out of --cores, longest
remaining path first; the run ends with its makespan beside the lower bound
max(critical path, work / cores). Exit codes: 0 succeeded, 1 failed,
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
    .addOption(
      new Option(
        '--replay <mode>',
        'WfFormat: simulate (wait runtimes) or files (also write files)',
      ).choices(['simulate', 'files']),
    )
    .option('--time-scale <x>', 'WfFormat: multiply recorded runtimes (default 1)', scale)
    .option(
      '--cores <n>',
      "WfFormat: the run's capacity in cores (default: this machine's)",
      positive,
    )
    .option(
      '--size-cap <bytes>',
      'WfFormat files mode: largest file written (default 1 MiB)',
      wholeNumber(0),
    )
    .option(
      '--files-dir <dir>',
      'WfFormat files mode: where files go (default .weft/wfformat/<run id>)',
    )
    .addOption(
      new Option('--order <order>', 'WfFormat: ready-queue order (default longest-path)').choices([
        'longest-path',
        'fifo',
      ]),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: Flags) => done(await runWorkflow(file, flags)));
}

async function runWorkflow(file: string, flags: Flags): Promise<number> {
  const engine = await engineOptions(flags); // bad --set before importing anything
  const given = parsePairs(flags.param, '--param');
  // The SQLite store's writer thread starts while the workflow is imported.
  if (process.env.WEFT_STORE !== 'memory') prestartWriteWorker();
  const workflow = await loadWorkflow(file);
  const instance = instanceParams(workflow, flags);
  let params = await workflowParams(workflow, { ...given, ...instance });
  const cwd = dirname(workflow.path);
  const mode = await chooseMode(flags.mode, cwd);
  const wf = workflow.wfformat;
  let executor = engine.executor;
  let title = `run ${basename(workflow.path)}${mode === undefined ? '' : ` (mode ${mode})`}`;
  if (wf !== undefined) {
    const [{ executorWithCores }, { settingsParams }] = await Promise.all([
      import('../../frontends/wfformat/workflow.ts'),
      import('../../frontends/wfformat/settings.ts'),
    ]);
    const s = wf.settings(params);
    // Every setting recorded, so that a resume runs the same way.
    params = settingsParams(s);
    executor = executorWithCores(engine.executor, s.cores);
    const i = wf.instance;
    const scaled = s.timeScale === 1 ? '' : `, time scale ${s.timeScale}`;
    title += ` (WfFormat ${i.schemaVersion}: ${i.tasks.length} tasks, ${s.mode}, ${s.cores} cores${scaled})`;
  }
  const options = {
    ...engine,
    ...(executor === undefined ? {} : { executor }),
    cwd,
    // Where `weft runs` from here finds it: beside the project's config, else here.
    store: await storePath(flags.store, findConfigFile(cwd) === undefined ? process.cwd() : cwd),
    workflow: workflow.path,
    params,
    ...(mode === undefined ? {} : { mode }),
  };
  let report: WfReport | undefined;
  const main =
    wf === undefined
      ? () => workflow.main(params)
      : async () => {
          report = (await workflow.main(params)) as WfReport;
          // The report is printed as a line of its own; --json carries it as the result.
          return flags.json ? report : undefined;
        };
  if (flags.dryRun) {
    const { executor: _ignored, cache: _none, ...rest } = options;
    const found = await dryRun(main, rest);
    if (found.mainWaiting) err(waitingNote(found));
    out(await formatGraph(found.view, flags.format, flags.expand === true));
    return EXIT_OK;
  }
  const code = await execute({ main, options, json: flags.json, quiet: flags.quiet, title });
  if (report !== undefined && code === EXIT_OK && !flags.json) {
    const { formatReport } = await import('../../frontends/wfformat/report.ts');
    out(`${formatReport(report)}\n`);
  }
  return code;
}

/** The params the WfFormat flags set; a usage error when they are given for a workflow module. */
function instanceParams(workflow: Workflow, flags: Flags): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const used: string[] = [];
  for (const [flag, param, name] of INSTANCE_FLAGS) {
    if (flags[flag] === undefined) continue;
    params[param] = flags[flag];
    used.push(name);
  }
  if (used.length > 0 && workflow.wfformat === undefined) {
    throw new UsageError(
      `${used.join(', ')}: only for a WfFormat instance (.json), and ${workflow.path} is a workflow module`,
    );
  }
  return params;
}

function scale(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('expected a number from 0 (0.01: a hundred times faster).');
  }
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a number above 0.');
  }
  return n;
}
