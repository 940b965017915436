/**
 * @module
 * An instance as a workflow: `load(path)` returns a main function (what
 * `run` and `weft run` call) that adds the instance's tasks to the run and
 * resolves with the report once they are all final, with the instance and
 * its plan beside it. `runWfFormat` runs one on an executor whose cpus are
 * the run's cores, so that the bound and the run agree.
 */
import { resolve } from 'node:path';
import type { RunOptions } from '../../coordinator/run-options.ts';
import { startGraph } from '../../coordinator/start.ts';
import { NoActiveRunError } from '../../errors/run.ts';
import type { ExecutorChoice } from '../../executor/kinds.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import { runInstance } from './execute.ts';
import type { WfInstance } from './model.ts';
import { readInstance } from './parse.ts';
import { planInstance, type WfPlan } from './plan.ts';
import type { WfReport } from './report.ts';
import { compileSettings, settingsParams, type WfParams, type WfSettings } from './settings.ts';

/** An instance as a workflow: call it as main (`run(workflow)`), with params or not. */
export interface WfWorkflow {
  (params?: WfParams): Promise<WfReport>;
  readonly instance: WfInstance;
  /** The file it was read from (absolute), when it was. */
  readonly path: string | undefined;
  /** The settings it runs with when params do not say otherwise. */
  readonly defaults: WfSettings;
  /** `params` over the defaults, checked. */
  settings(params?: WfParams): WfSettings;
  /** The plan for these params (priorities, lower bound, estimate); kept per cores, scale and order. */
  plan(params?: WfParams): WfPlan;
}

/**
 * Reads a WfFormat instance (any version from 1.0 to 1.5) as a workflow.
 * @example
 * const montage = await load('montage.json', { timeScale: 0.01, cores: 16 });
 * const report = await run(montage, { executor: { kind: 'inline', resources: { cpus: 16 } } });
 */
export async function load(path: string, defaults: WfParams = {}): Promise<WfWorkflow> {
  const file = resolve(path);
  return workflowOf(await readInstance(file), defaults, file);
}

/** A workflow of an instance already read (`parseInstance`). */
export function workflowOf(
  instance: WfInstance,
  defaults: WfParams = {},
  path: string | undefined = undefined,
): WfWorkflow {
  const base = compileSettings(defaults);
  const plans = new Map<string, WfPlan>();
  const settings = (params?: WfParams) => compileSettings(params ?? {}, base);
  const planFor = (s: WfSettings): WfPlan => {
    const key = `${s.cores}/${s.timeScale}/${s.order}`;
    let plan = plans.get(key);
    if (plan === undefined) {
      plan = planInstance(instance, s);
      plans.set(key, plan);
    }
    return plan;
  };
  const main = async (params?: WfParams): Promise<WfReport> => {
    const scope = submitScope.getStore();
    if (scope === undefined) throw new NoActiveRunError(`the WfFormat workflow ${instance.name}`);
    const s = settings(params);
    return runInstance(scope, instance, s, planFor(s));
  };
  return Object.assign(main, {
    instance,
    path,
    defaults: base,
    settings,
    plan: (params?: WfParams) => planFor(settings(params)),
  });
}

/**
 * The executor choice for a run on `cores` cores: a kind (or none: inline)
 * gets `cores` cpus; an executor or a definition keeps its own capacity.
 */
export function executorWithCores(
  choice: ExecutorChoice | undefined,
  cores: number,
): ExecutorChoice {
  const resources = { cpus: cores };
  if (choice === undefined) return { kind: 'inline', resources };
  if (typeof choice === 'string') return { kind: choice, resources };
  if (typeof (choice as { kind?: unknown }).kind === 'string' && !('resources' in choice)) {
    return { ...(choice as { kind: string }), resources };
  }
  return choice;
}

/** A finished run of an instance. */
export interface WfRun {
  readonly runId: string;
  readonly report: WfReport;
}

/**
 * Runs an instance (a workflow, or the path of its file) and resolves with
 * the run's id and report; rejects with `RunFailedError` as `run` does.
 * The executor, unless `options.executor` says otherwise, is inline with
 * `cores` cpus; the run records the file as its workflow, so `weft resume`
 * can continue it.
 * @example
 * const { report } = await runWfFormat('montage.json', { cores: 16, timeScale: 0.01 });
 * report.makespanSeconds / report.lowerBoundSeconds;
 */
export async function runWfFormat(
  workflow: WfWorkflow | string,
  params: WfParams = {},
  options: RunOptions = {},
): Promise<WfRun> {
  const wf = typeof workflow === 'string' ? await load(workflow) : workflow;
  const s = wf.settings(params);
  const plan = wf.plan(params);
  const r = startGraph<WfReport>((scope) => runInstance(scope, wf.instance, s, plan), {
    ...(wf.path === undefined ? {} : { workflow: wf.path }),
    // All the settings, so that a resume runs exactly the same way.
    params: settingsParams(s),
    ...options,
    executor: executorWithCores(options.executor, s.cores),
  });
  return { runId: r.id, report: await r.result };
}
