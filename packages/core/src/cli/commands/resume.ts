/**
 * @module
 * `weft resume <run-id>` and `weft rerun <run-id> [--from-failure]`: look
 * the run up in the store, import the workflow module it recorded, and run
 * its main again with the recorded mode and params: continuing the same run
 * (resume: same id, tasks that succeeded keep their results), or as a new
 * run that reuses the results of the one that failed (`--from-failure`).
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { RunOptions } from '../../frontends/futures/run.ts';
import type { RunRecord } from '../../store/run-store.ts';
import { EXIT_OK, UsageError } from '../errors.ts';
import { execute } from '../execute.ts';
import { err } from '../format.ts';
import {
  addEngineOptions,
  addOutputOptions,
  engineOptions,
  modeOption,
  type RunFlags,
} from '../run-options.ts';
import { findRun, openStoreFor } from '../store.ts';
import { loadWorkflow } from '../workflow.ts';

interface Flags extends RunFlags {
  readonly fromFailure?: boolean;
  /** The mode whose runStore holds the run (it runs again in the mode it recorded). */
  readonly mode?: string;
}

const RESUME_EXAMPLES = `
Examples:
  $ weft resume 01jd3k7w2q            # after a crash, a kill or Ctrl-C
  $ weft resume 01jd3k --executor threads -j 4

The run keeps its id; tasks that succeeded are not run again (state cached).
The workflow module, mode and params are those the run recorded.
`;

const RERUN_EXAMPLES = `
Examples:
  $ weft rerun 01jd3k7w2q --from-failure   # after fixing the failed task
  $ weft rerun 01jd3k                      # the same workflow, mode and params, afresh

A new run; with --from-failure it reuses the results of the tasks that
succeeded in the earlier run, so only what failed (and what depends on it) runs.
`;

/** Adds `weft resume` and `weft rerun` to the program. */
export function registerResume(program: Command, done: (code: number) => void): void {
  const resume = program
    .command('resume')
    .description('continue a recorded run that stopped (crash, kill, Ctrl-C, failure)')
    .argument('<run-id>', 'the run (id or unique prefix)');
  addEngineOptions(resume);
  resume.addOption(modeOption());
  addOutputOptions(resume);
  resume
    .addHelpText('after', RESUME_EXAMPLES)
    .action(async (id: string, flags: Flags) => done(await again(id, flags, 'resume')));

  const rerun = program
    .command('rerun')
    .description("run a recorded run's workflow again, reusing what succeeded with --from-failure")
    .argument('<run-id>', 'the run (id or unique prefix)')
    .option('--from-failure', 'reuse the results of the tasks that succeeded');
  addEngineOptions(rerun);
  rerun.addOption(modeOption());
  addOutputOptions(rerun);
  rerun
    .addHelpText('after', RERUN_EXAMPLES)
    .action(async (id: string, flags: Flags) => done(await again(id, flags, 'rerun')));
}

async function again(idOrPrefix: string, flags: Flags, verb: 'resume' | 'rerun'): Promise<number> {
  const engine = await engineOptions(flags);
  const opened = await openStoreFor({ store: flags.store, mode: flags.mode }, idOrPrefix);
  let run: RunRecord;
  try {
    run = findRun(opened, idOrPrefix);
    const { handedTo, resumeHanded } = await import('../batch.ts');
    if (verb === 'resume' && handedTo(run) !== undefined && run.workflow !== undefined) {
      // A delayed run: what did not succeed goes back to its batch system.
      const workflow = await loadWorkflow(run.workflow);
      const params = { ...(run.params ?? {}) };
      return await resumeHanded(opened, run, () => workflow.main(params), workflow.path);
    }
  } finally {
    // Released, not closed: the run about to start opens the same store.
    await opened.release();
  }
  if (verb === 'resume' && run.state === 'succeeded') {
    err(`run ${run.id} succeeded: nothing to resume (weft rerun ${run.id} runs it again)\n`);
    return EXIT_OK;
  }
  const { BUILD_PARAM, buildAgain } = await import('./build.ts');
  if (run.params?.[BUILD_PARAM] !== undefined) {
    // A build: its targets are built again (the build log skips those up to date).
    const store = flags.store ?? opened.file;
    return buildAgain(run, { ...flags, ...(store === undefined ? {} : { store }) }, verb);
  }
  if (run.workflow === undefined) {
    throw new UsageError(
      `run ${run.id} recorded no workflow module, so the command cannot ${verb} it; call ${verb}() from the code that started it`,
    );
  }
  const workflow = await loadWorkflow(run.workflow);
  const params = { ...(run.params ?? {}) };
  // The executor the run was started with, unless --executor or -j says otherwise.
  const recorded =
    engine.executor === undefined && run.executorConfig !== undefined
      ? { executor: run.executorConfig as RunOptions['executor'] }
      : {};
  const options: RunOptions = {
    ...engine,
    ...recorded,
    cwd: run.cwd,
    ...(opened.file === undefined ? {} : { store: opened.file }),
    workflow: workflow.path,
    params,
    ...(run.mode === undefined ? {} : { mode: run.mode }),
    ...(verb === 'resume' ? { resume: run.id } : flags.fromFailure ? { reuseFrom: run.id } : {}),
  };
  const what =
    verb === 'resume' ? 'resume' : flags.fromFailure ? 'rerun from failure of' : 'rerun of';
  return execute({
    main: () => workflow.main(params),
    options,
    json: flags.json,
    quiet: flags.quiet,
    title: `${what} ${run.id} (${basename(workflow.path)})`,
    hintArgs: flags.store === undefined ? '' : `--store ${flags.store}`,
  });
}
