/**
 * @module
 * Loading a workflow module: its default export is the main function
 * (called as `main(params)`), and its `params` export, when it is a
 * Standard Schema, validates the params given on the command line.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { UsageError } from './errors.ts';
import { isStandardSchema, validateParams } from './params.ts';

/** A loaded workflow. */
export interface Workflow {
  /** Absolute path of the module. */
  readonly path: string;
  readonly main: (params: Record<string, unknown>) => unknown;
  readonly schema: StandardSchemaV1 | undefined;
}

/** Imports the workflow at `file` (relative to the working directory). */
export async function loadWorkflow(file: string): Promise<Workflow> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UsageError(`workflow file not found: ${path}`);
  }
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    throw new UsageError(`could not import the workflow ${path}:`, {
      cause: error,
      detail: e.stack ?? e.message,
    });
  }
  const main = module.default;
  if (typeof main !== 'function') {
    throw new UsageError(
      `${path} has no default export function: write export default async function main(params) { ... }`,
    );
  }
  return {
    path,
    main: main as Workflow['main'],
    schema: isStandardSchema(module.params) ? module.params : undefined,
  };
}

/** The params as main receives them: validated by the workflow's schema when it has one. */
export async function workflowParams(
  workflow: Workflow,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  return workflow.schema === undefined ? params : validateParams(workflow.schema, params);
}

/**
 * The mode to run in: `--mode`, else `WEFT_MODE` (left to the engine), else
 * the `defaultMode` of the nearest `weft.config.ts` from `dir`, so that a
 * project's runs always use its config file and its store beside it.
 */
export async function chooseMode(
  flag: string | undefined,
  dir: string,
): Promise<string | undefined> {
  if (flag !== undefined || process.env.WEFT_MODE) return flag;
  const { findConfigFile, loadConfigFile } = await import('../config/load-config.ts');
  const path = findConfigFile(dir);
  if (path === undefined) return undefined;
  return (await loadConfigFile(path)).defaultMode;
}
