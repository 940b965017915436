/**
 * @module
 * `weft submit <workflow>`: delayed execution. Builds the workflow's whole
 * graph without running any task, hands it to the batch system of the
 * mode's executor (every task with its prerequisites, in one pass),
 * records the run and the task-to-job mapping, and exits; the batch system
 * runs the tasks (each through `weft exec`) after weft has exited. `weft
 * runs` and `weft show` bring the run up to date from the batch system,
 * `weft cancel` withdraws it, `weft resume` submits again what failed or
 * was cancelled, and what depends on it.
 */
import { basename, dirname } from 'node:path';
import { type Command, Option } from 'commander';
import { findConfigFile } from '../../config/load-config.ts';
import { EXIT_OK, UsageError } from '../errors.ts';
import { err, out } from '../format.ts';
import { collect, parsePairs } from '../params.ts';
import { storePath } from '../store.ts';
import { chooseMode, loadWorkflow, workflowParams } from '../workflow.ts';

interface Flags {
  readonly mode?: string;
  readonly param?: string[];
  readonly set?: string[];
  readonly executor?: string;
  readonly store?: string;
  readonly json?: boolean;
}

const EXAMPLES = `
Examples:
  $ weft submit pipeline.ts --mode cluster
  $ weft submit pipeline.ts --executor slurm --set executor.partition=long
  $ weft show 01jd3k                      # the run, brought up to date from the batch system

The mode's executor must take a whole graph ahead of time (@weft/slurm's
slurm executor does, in any mode). main must submit every task without
awaiting a result, and no task may submit tasks: such a workflow is refused,
naming the first task that makes its graph dynamic. Exit codes: 0 submitted,
1 the batch system refused it, 2 a usage error or a dynamic workflow.
`;

/** Adds `weft submit` to the program. */
export function registerSubmit(program: Command, done: (code: number) => void): void {
  program
    .command('submit')
    .description("hand a workflow's whole graph to a batch system and exit (delayed execution)")
    .argument('<workflow>', 'the workflow module (.ts, .js); its default export is main')
    .option(
      '--mode <name>',
      "mode of weft.config.ts (default: WEFT_MODE, else the file's defaultMode)",
    )
    .option('--param <key=value>', 'a parameter for main (repeatable; JSON or string)', collect)
    .addOption(new Option('--executor <kind>', "an executor kind instead of the mode's"))
    .option('--set <resource.key=value>', 'override a config value (repeatable)', collect)
    .option('--store <path>', 'the run store to record in (default: .weft/weft.db of the project)')
    .option('--json', 'print what was submitted as one JSON object')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: Flags) => done(await submit(file, flags)));
}

async function submit(file: string, flags: Flags): Promise<number> {
  const set = parsePairs(flags.set, '--set');
  if (flags.executor !== undefined) {
    const { executorKinds } = await import('../../executor/kinds.ts');
    if (!executorKinds().includes(flags.executor)) {
      throw new UsageError(
        `--executor ${flags.executor}: unknown executor kind; known kinds: ${executorKinds().join(', ')}`,
      );
    }
  }
  const workflow = await loadWorkflow(file);
  if (workflow.wfformat !== undefined) {
    throw new UsageError(
      'weft submit takes a workflow module; a WfFormat instance runs with weft run',
    );
  }
  const params = await workflowParams(workflow, parsePairs(flags.param, '--param'));
  const cwd = dirname(workflow.path);
  const mode = await chooseMode(flags.mode, cwd);
  const { submitGraph } = await import('../../coordinator/delayed/submit-graph.ts');
  const { createLogger } = await import('../../vocabulary/logger.ts');
  const done = await submitGraph(() => workflow.main(params), {
    cwd,
    store: await storePath(flags.store, findConfigFile(cwd) === undefined ? process.cwd() : cwd),
    workflow: workflow.path,
    params,
    ...(mode === undefined ? {} : { mode }),
    ...(flags.executor === undefined ? {} : { executor: flags.executor }),
    ...(Object.keys(set).length === 0 ? {} : { set }),
    log: createLogger((r) => {
      if (!flags.json && (r.level === 'warn' || r.level === 'error')) err(`${r.message}\n`);
    }),
  });
  if (flags.json) {
    out(
      `${JSON.stringify({ runId: done.runId, submitted: done.submitted, cached: done.cached, batch: done.receipt?.record })}\n`,
    );
    return EXIT_OK;
  }
  err(`weft submit ${basename(workflow.path)} · run ${done.runId}\n`);
  out(
    `${done.receipt?.summary ?? 'nothing to submit'}${done.cached > 0 ? ` (${done.cached} tasks kept from the earlier session)` : ''}\n` +
      `follow it with: weft show ${done.runId}\n`,
  );
  return EXIT_OK;
}
