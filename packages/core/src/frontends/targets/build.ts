/**
 * @module
 * The targets front end's entry points: `plan(targets, { rules })` works
 * out what building the targets would do (running nothing), `build(targets,
 * { rules })` builds them in a run (started with `startGraph`, or the
 * current run when called from a run's main function), and `use(rules)`
 * gives a run's `need()` its rules. A build where everything is up to
 * date starts no run.
 */
import { fileURLToPath } from 'node:url';
import type { RunOptions } from '../../coordinator/run-options.ts';
import { startGraph } from '../../coordinator/start.ts';
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import { callerModule } from '../../util/caller-module.ts';
import { type SubmitScope, submitScope } from '../../vocabulary/scope.ts';
import type { RulesInput } from './book.ts';
import { type BuildReport, Driver } from './driver.ts';
import { plannerOf } from './need.ts';
import { Plan } from './plan-view.ts';
import { Planner, type PlanOptions } from './planner.ts';

/** Options of `plan`: the rules, and how to plan. */
export interface PlanWith extends PlanOptions {
  /** The rules: rules, rule sets, or a module's namespace (its exported rules). */
  readonly rules: RulesInput;
}

/** Options of `build`: the rules, how to plan, and the run's options. */
export interface BuildOptions extends PlanWith, RunOptions {}

/** Target names, checked. */
function targetList(targets: string | readonly string[]): string[] {
  const list =
    typeof targets === 'string' ? [targets] : Array.isArray(targets) ? [...targets] : undefined;
  if (
    list === undefined ||
    list.length === 0 ||
    list.some((t) => typeof t !== 'string' || t === '')
  ) {
    throw new InvalidOptionError(
      `targets must be a target name or a non-empty array of them, got ${describeValue(targets)}`,
    );
  }
  return list;
}

/**
 * What building `targets` would do: the jobs that would run and why, and
 * which are up to date. Runs nothing (a rule's `next` is followed only
 * where the value it reads is recorded).
 * @example
 * const p = plan(['results/all.vcf'], { rules: await import('./rules.ts') });
 * p.summary(); // '3 jobs to run (align 2, call 1), 12 up to date'
 */
export function plan(targets: string | readonly string[], options: PlanWith): Plan {
  return planWith(new Planner(options.rules, options), targetList(targets));
}

/** Plans `targets` with `planner`, following the `next` of jobs already up to date. */
export function planWith(planner: Planner, targets: readonly string[]): Plan {
  const ids = planner.request(targets);
  const ready = planner.nextReady;
  while (planner.nextHandled < ready.length) {
    const j = ready[planner.nextHandled++]!;
    const target = planner.jobs.target[j]!;
    planner.request(planner.nextOf(j), -1, `the next targets of ${JSON.stringify(target)}`);
  }
  return new Plan(
    planner,
    targets.map((t, i) => [t, ids[i]!] as const),
  );
}

/**
 * Builds `targets`: plans them from the rules, then runs the steps of the
 * jobs that are not up to date in a run (each a node of the run's graph,
 * wherever the run's executor runs tasks), recording what each was built
 * from. Resolves with what it did and the targets' values; rejects with
 * `RunFailedError` as `run` does, or with the planning error (a target
 * nothing makes, a cycle, ...) before anything runs. Called from a run's
 * main function, it builds in that run (with the rules that run already
 * has, from an earlier `build` or `use`, if it has some).
 * @example
 * const { values } = await build('results/all.vcf', { rules: await import('./rules.ts') });
 */
export async function build(
  targets: string | readonly string[],
  options: BuildOptions,
): Promise<BuildReport> {
  const list = targetList(targets);
  const scope = submitScope.getStore();
  if (scope !== undefined) return buildInScope(scope, list, options);
  const planned = plan(list, options);
  const planner = planned.planner;
  if (planned.toRun === 0 && planned.pendingNext.length === 0) {
    planner.log.close();
    return reportOf(planned, undefined, 0, 0);
  }
  const { rules: _rules, coordinates: _c, force: _f, buildLog: _b, ...run } = options;
  const caller = callerModule(build);
  const workflow = run.workflow ?? (caller?.startsWith('file:') ? fileURLToPath(caller) : caller);
  const r = startGraph<BuildReport>(
    (scope) => runPlan(scope, planned),
    workflow === undefined ? run : { ...run, workflow },
  );
  return r.result;
}

/**
 * The main function of a run that builds `plan` (planned already): adds
 * the nodes of its jobs that run, waits for them, and reports. The records
 * of what succeeded are written, whatever the run's outcome.
 */
export async function runPlan(scope: SubmitScope, planned: Plan): Promise<BuildReport> {
  const planner = planned.planner;
  const driver = new Driver(planner, scope.graph);
  try {
    const ids = driver.request(
      planned.requested.map(([t]) => t),
      -1,
      scope.parentId,
      'the build',
    );
    await driver.settled();
    return reportOf(planned, scope.graph.runId, driver.ran, driver.skipped, (t, i) =>
      driver.valueOf(t, ids[i]!),
    );
  } finally {
    planner.log.close();
  }
}

async function buildInScope(
  scope: SubmitScope,
  targets: string[],
  options: BuildOptions,
): Promise<BuildReport> {
  if (scope.parentId !== -1) {
    throw new InvalidOptionError('build() inside a task: ask for targets there with need(targets)');
  }
  const known = plannerOf(scope.graph);
  const driver =
    known instanceof Driver ? known : new Driver(new Planner(options.rules, options), scope.graph);
  const before = driver.planner.order.length;
  const ids = driver.request(targets, -1, -1, 'the build');
  await driver.settled();
  driver.planner.log.flush();
  const { order, jobs } = driver.planner;
  let upToDate = 0;
  for (let k = before; k < order.length; k++) if (jobs.reason[order[k]!] === 0) upToDate++;
  return {
    targets,
    values: Object.fromEntries(targets.map((t, i) => [t, driver.valueOf(t, ids[i]!)])),
    ran: driver.ran,
    skipped: driver.skipped,
    upToDate,
    runId: scope.graph.runId,
  };
}

/**
 * Gives the current run (called from its main function) rules, so that
 * `need(targets)` works in it: in main, in its tasks, in workers. A run
 * keeps the first rules it was given.
 * @example
 * export default async function main() {
 *   use(await import('./rules.ts'));
 *   const table = await need('results/table.tsv');
 * }
 */
export function use(rules: RulesInput, options: PlanOptions = {}): void {
  const scope = submitScope.getStore();
  if (scope === undefined || scope.parentId !== -1) {
    throw new InvalidOptionError('use(rules) is called from the main function of a run');
  }
  if (plannerOf(scope.graph) === undefined) new Driver(new Planner(rules, options), scope.graph);
}

function reportOf(
  planned: Plan,
  runId: string | undefined,
  ran: number,
  skipped: number,
  value: (target: string, i: number) => unknown = (t, i) => {
    const id = planned.requested[i]![1];
    return id < 0 || !planned.planner.isState(id) ? t : planned.planner.valueOf(id);
  },
): BuildReport {
  const targets = planned.requested.map(([t]) => t);
  return {
    targets,
    values: Object.fromEntries(targets.map((t, i) => [t, value(t, i)])),
    ran,
    skipped,
    upToDate: planned.upToDate,
    runId,
  };
}
