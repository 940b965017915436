/**
 * @module
 * The WfFormat front end (`wfformat` in `@weft/core`): WfCommons workflow
 * instances, schema versions 1.0 to 1.5, read as workflows that `run` and
 * `weft run` accept, planned (longest remaining path first; the makespan's
 * lower bound), run in `simulate` or `files` mode, and any recorded run
 * written back as a WfFormat 1.5 instance.
 * @example
 * import { run, wfformat } from '@weft/core';
 * const montage = await wfformat.load('montage.json', { cores: 16, timeScale: 0.01 });
 * const report = await run(montage, { executor: { kind: 'inline', resources: { cpus: 16 } } });
 * wfformat.formatReport(report); // 'makespan 3.41 s = 1.06x the lower bound 3.22 s (...)'
 */

export { listSchedule } from './estimate.ts';
export { type ExportOptions, exportRun, importedInstance } from './export.ts';
export {
  WF_VERSIONS,
  type WfInstance,
  type WfMachine,
  type WfSystem,
  type WfTask,
  type WfVersion,
} from './model.ts';
export { looksLikeWfFormat, parseInstance, readInstance } from './parse.ts';
export { type PlanOptions, planInstance, type WfOrder, type WfPlan } from './plan.ts';
export { formatReport, type WfReport } from './report.ts';
export { schemaOf } from './schema.ts';
export {
  compileSettings,
  DEFAULT_SIZE_CAP,
  paramsSchema,
  type WfMode,
  type WfParams,
  type WfSettings,
} from './settings.ts';
export {
  executorWithCores,
  load,
  runWfFormat as run,
  type WfRun,
  type WfWorkflow,
  workflowOf,
} from './workflow.ts';
