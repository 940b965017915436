/**
 * @module
 * Running an instance in a run: each task becomes a node of the run's
 * graph (through the `NodeGraph` seam), in topological order, after its
 * parents (`after`: order only, no values pass), labelled with its id, with
 * its planned priority and its cores as its requirement. Then the run's
 * main code waits for every node and reports the makespan it saw beside the
 * plan's lower bound.
 */
import { join, resolve } from 'node:path';
import type { Requirements } from '../../vocabulary/requirements.ts';
import type { SubmitScope } from '../../vocabulary/scope.ts';
import { cappedSize, filePath, stageInputs } from './files.ts';
import type { WfInstance } from './model.ts';
import type { WfPlan } from './plan.ts';
import type { WfReport } from './report.ts';
import type { WfSettings } from './settings.ts';
import { files, simulate } from './tasks.ts';

/** Adds the instance's tasks to the scope's run, waits for them all, and reports. */
export async function runInstance(
  scope: SubmitScope,
  instance: WfInstance,
  settings: WfSettings,
  plan: WfPlan,
): Promise<WfReport> {
  const { graph, parentId, attempt } = scope;
  const tasks = instance.tasks;
  const dir =
    settings.mode === 'files'
      ? resolve(settings.filesDir ?? join('.weft', 'wfformat', graph.runId))
      : undefined;
  if (dir !== undefined) await stageInputs(instance, dir, settings.sizeCap);
  // One requirements object per distinct core count, shared by the nodes.
  const requirements = new Map<number, Requirements>();
  const refs = new Array<number>(tasks.length);
  const started = performance.now();
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    const cores = plan.taskCores[i]!;
    let req = requirements.get(cores);
    if (req === undefined) {
      req = { cpus: cores };
      requirements.set(cores, req);
    }
    const ms = plan.durations[i]! * 1000;
    refs[i] = graph.add({
      ...(dir === undefined
        ? { task: simulate, args: [ms] }
        : {
            task: files,
            args: [
              {
                task: t.id,
                ms,
                inputs: t.inputs.map((f) => [f, filePath(dir, f)] as const),
                outputs: t.outputs.map(
                  (f) =>
                    [
                      filePath(dir, f),
                      cappedSize(instance.files.get(f), settings.sizeCap),
                    ] as const,
                ),
              },
            ],
          }),
      after: t.parents.map((p) => refs[p]!),
      parent: parentId,
      options: { label: t.id, priority: plan.priorities[i]!, requirements: req },
    });
  }
  let ended = started;
  await Promise.all(
    refs.map(
      (ref) =>
        new Promise<void>((settle) => {
          const done = (): void => {
            ended = performance.now();
            settle();
          };
          graph.wait(ref, done, done, parentId, attempt);
        }),
    ),
  );
  let succeeded = 0;
  let cached = 0;
  for (const ref of refs) {
    const state = graph.stateOf(ref);
    if (state === 'succeeded') succeeded++;
    else if (state === 'cached') cached++;
  }
  const makespanSeconds = (ended - started) / 1000;
  return {
    name: instance.name,
    tasks: tasks.length,
    mode: settings.mode,
    timeScale: settings.timeScale,
    cores: settings.cores,
    order: settings.order,
    makespanSeconds,
    lowerBoundSeconds: plan.lowerBoundSeconds,
    lowerBoundBy: plan.lowerBoundBy,
    criticalPathSeconds: plan.criticalPathSeconds,
    workSeconds: plan.workSeconds,
    ratio: plan.lowerBoundSeconds > 0 ? makespanSeconds / plan.lowerBoundSeconds : undefined,
    estimateSeconds: plan.estimateSeconds,
    recordedMakespanSeconds:
      instance.makespanSeconds === undefined
        ? undefined
        : instance.makespanSeconds * settings.timeScale,
    clampedTasks: plan.clampedTasks,
    succeeded,
    cached,
    unsuccessful: tasks.length - succeeded - cached,
  };
}
