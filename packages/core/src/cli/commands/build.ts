/**
 * @module
 * `weft build [targets...]`: imports the rules module (`-f`, default
 * `rules.ts` in the working directory), plans the targets (or the module's
 * default export, a target or a list of them) and builds what is not up to
 * date in a run, with the live progress display. `--dry-run` prints the
 * plan instead: each job that would run with why and its command, what is
 * up to date; `--format mermaid|dot|json` prints the plan's graph. A plan
 * that cannot be made (a target nothing makes, a cycle, ...) exits 2
 * before anything runs.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Command, Option } from 'commander';
import { findConfigFile } from '../../config/load-config.ts';
import { isWeftError } from '../../errors/base.ts';
import { PLAN_ERROR_CODES } from '../../errors/targets.ts';
import type { Plan } from '../../frontends/targets/plan-view.ts';
import type { RunRecord } from '../../store/run-store.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import { EXIT_OK, EXIT_USAGE, errorText, UsageError } from '../errors.ts';
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
import { chooseMode } from '../workflow.ts';

interface Flags extends RunFlags {
  readonly file?: string;
  readonly mode?: string;
  readonly param?: string[];
  readonly dryRun?: boolean;
  readonly format?: string;
  readonly expand?: boolean;
  readonly order?: 'plan' | 'start';
  readonly force?: boolean;
}

const DEFAULT_FILES = ['rules.ts', 'rules.mts', 'rules.js', 'rules.mjs'];

const EXAMPLES = `
Examples:
  $ weft build results/all.vcf                # build a target and what it needs
  $ weft build                                # the targets the rules module exports as default
  $ weft build -n                             # what would run, and why; what is up to date
  $ weft build -f pipeline.ts --param caller=gatk -j 8
  $ weft build -n --order start -j 1            # ... in the order the jobs would start
  $ weft build --dry-run --format dot | dot -Tsvg > plan.svg

Rules are the rules module's exports (rule(), state(), ruleSet()). A file
target is up to date when the code and params of its rule and the content
of its inputs are those it was built from (recorded in .weft/targets.log);
--param values are coordinates, beside platform, arch and mode, that choose
rules' implementations. Exit codes: 0 built (or nothing to do), 1 a step
failed, 2 a usage error or a plan that cannot be made (a target nothing
makes, a cycle, ...), 130 interrupted.
`;

/** Adds `weft build` to the program; `done` receives the exit code. */
export function registerBuild(program: Command, done: (code: number) => void): void {
  const cmd = program
    .command('build')
    .description('build targets from rules: only what they need and is not up to date')
    .argument('[targets...]', "targets to build (default: the rules module's default export)")
    .option('-f, --file <rules>', 'the rules module (default: rules.ts in the working directory)')
    .option('--mode <name>', "mode of weft.config.ts (also the coordinate 'mode')")
    .option('--param <key=value>', 'a coordinate (repeatable; JSON or string)', collect)
    .option('-B, --force', 'build every target reached, even when up to date');
  addEngineOptions(cmd);
  addOutputOptions(cmd);
  cmd
    .option(
      '-n, --dry-run',
      'print the plan (what would run and why, what is up to date); run nothing',
    )
    .addOption(
      new Option('--format <format>', "with --dry-run: the plan's graph instead of text").choices(
        GRAPH_FORMATS,
      ),
    )
    .option('--expand', 'with --format: one node per job, even for large plans')
    .addOption(
      new Option(
        '--order <order>',
        'with --dry-run: the jobs as planned (needs first) or in the order they would start (by priority, then the longest path)',
      )
        .choices(['plan', 'start'])
        .default('plan'),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (targets: string[], flags: Flags) => done(await buildTargets(targets, flags)));
}

async function buildTargets(given: readonly string[], flags: Flags): Promise<number> {
  if (flags.format !== undefined && !flags.dryRun) {
    throw new UsageError('--format prints the plan: use it with --dry-run');
  }
  if (flags.order === 'start' && !flags.dryRun) {
    throw new UsageError('--order orders the printed plan: use it with --dry-run');
  }
  const file = rulesFile(flags.file);
  const rules = await importRules(file);
  const targets = given.length > 0 ? [...given] : defaultTargets(rules, file);
  const mode = await chooseMode(flags.mode, process.cwd());
  const coordinates = parsePairs(flags.param, '--param');
  return build({ file, rules, targets, coordinates, mode, force: flags.force === true }, flags);
}

/** What a build builds: recorded in its run (`BUILD_PARAM`) for `weft resume` and `rerun`. */
interface BuildSpec {
  readonly file: string;
  readonly rules: Record<string, unknown>;
  readonly targets: readonly string[];
  readonly coordinates: Record<string, unknown>;
  readonly mode: string | undefined;
  readonly force: boolean;
}

/**
 * The run parameter in which a build records its targets (and `force`):
 * `weft resume` and `weft rerun` of the run build them again.
 */
export const BUILD_PARAM = 'weft.build';

async function build(spec: BuildSpec, flags: Flags): Promise<number> {
  const { file, rules, targets, coordinates, mode, force } = spec;
  const engine = await engineOptions(flags);
  const cwd = process.cwd();
  const [{ Planner }, { planWith, runPlan }] = await Promise.all([
    import('../../frontends/targets/planner.ts'),
    import('../../frontends/targets/build.ts'),
  ]);
  let plan: Plan;
  try {
    const planner = new Planner(rules, {
      coordinates,
      ...(mode === undefined ? {} : { mode }),
      ...(force ? { force: true } : {}),
    });
    plan = planWith(planner, targets);
  } catch (error) {
    if (!isWeftError(error) || !PLAN_ERROR_CODES.has(error.code)) throw error;
    err(errorText(error));
    return EXIT_USAGE;
  }
  if (flags.dryRun) {
    if (flags.format !== undefined)
      out(await formatGraph(plan.graph(), flags.format, flags.expand === true));
    else for (const chunk of plan.text({ order: flags.order ?? 'plan' })) await written(chunk);
    await written('');
    return EXIT_OK;
  }
  if (plan.toRun === 0 && plan.pendingNext.length === 0) {
    plan.planner.log.close();
    if (!flags.quiet && !flags.json) err(`${plan.summary()}\n`);
    return EXIT_OK;
  }
  if (!flags.quiet && !flags.json) err(`${plan.summary()}\n`);
  const options = {
    ...engine,
    cwd,
    store: await storePath(
      flags.store,
      findConfigFile(cwd) === undefined ? cwd : dirname(findConfigFile(cwd)!),
    ),
    workflow: file,
    params: { ...coordinates, [BUILD_PARAM]: { targets, ...(force ? { force } : {}) } },
    ...(mode === undefined ? {} : { mode }),
  };
  return execute({
    main: async () => {
      const report = await runPlan(submitScope.getStore()!, plan);
      return flags.json ? report : undefined;
    },
    options,
    json: flags.json,
    quiet: flags.quiet,
    title: `build ${targets.join(' ')} (${basename(file)})`,
  });
}

/**
 * `weft resume` or `weft rerun` of a recorded build: the same targets,
 * coordinates and mode, built again in the run's directory as a new run.
 * Up-to-date targets are skipped (the build log knows them), so a resume
 * builds what the run did not; a rerun builds everything again (as
 * `--force`), or with `fromFailure` only what is not up to date.
 */
export async function buildAgain(
  run: RunRecord,
  flags: RunFlags & { readonly store?: string; readonly fromFailure?: boolean },
  verb: 'resume' | 'rerun',
): Promise<number> {
  const recorded = run.params?.[BUILD_PARAM] as { targets?: unknown; force?: unknown } | undefined;
  const targets = recorded?.targets;
  if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')) {
    throw new UsageError(
      `run ${run.id} recorded no targets, so the command cannot ${verb} its build`,
    );
  }
  if (!existsSync(run.cwd)) {
    throw new UsageError(`run ${run.id} was built in ${run.cwd}, which no longer exists`);
  }
  process.chdir(run.cwd);
  const file = rulesFile(run.workflow);
  const { [BUILD_PARAM]: _, ...coordinates } = run.params ?? {};
  const force = verb === 'rerun' && flags.fromFailure !== true;
  if (!flags.quiet && !flags.json) {
    err(
      `run ${run.id} built ${targets.join(' ')}: building ${force ? 'them all again' : 'what is not up to date'} in a new run\n`,
    );
  }
  return build(
    {
      file,
      rules: await importRules(file),
      targets,
      coordinates,
      mode: run.mode,
      force,
    },
    flags,
  );
}

/** Writes to stdout and waits until the stream took it (a large plan into a pipe). */
function written(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

function rulesFile(flag: string | undefined): string {
  if (flag !== undefined) {
    const path = resolve(flag);
    if (!existsSync(path)) throw new UsageError(`rules module not found: ${path}`);
    return path;
  }
  const found = DEFAULT_FILES.map((f) => resolve(f)).find((p) => existsSync(p));
  if (found === undefined) {
    throw new UsageError(
      `no rules module here (${DEFAULT_FILES.join(', ')}): name one with -f <file>, a module that exports rules`,
    );
  }
  return found;
}

async function importRules(path: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`could not import the rules module ${path}: ${message}`, {
      cause: error,
      ...(error instanceof Error && error.stack !== undefined ? { detail: error.stack } : {}),
    });
  }
}

function defaultTargets(rules: Record<string, unknown>, file: string): string[] {
  const d = rules.default;
  if (typeof d === 'string' && d !== '') return [d];
  if (Array.isArray(d) && d.length > 0 && d.every((t) => typeof t === 'string' && t !== '')) {
    return d as string[];
  }
  throw new UsageError(
    `no targets: name them (weft build <targets...>), or export the default ones from ${file} (export default ['results/all.txt'])`,
  );
}
