/**
 * @module
 * Loading a workflow module: its default export is the main function
 * (called as `main(params)`), and its `params` export, when it is a
 * Standard Schema, validates the params given on the command line. A module
 * that cannot be imported for a reason a new project often hits gets an
 * error that says what to change. A `.json` file is read as a WfFormat
 * instance (WfCommons), whose workflow is its main and whose parameters
 * (mode, time scale, cores, ...) are its schema. A default export that
 * is a graph of steps is a main function too (it adds its steps to the
 * run), checked here before anything runs.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { isWeftError } from '../errors/base.ts';
import type { WfParams } from '../frontends/wfformat/settings.ts';
import type { WfWorkflow } from '../frontends/wfformat/workflow.ts';
import { UsageError } from './errors.ts';
import { isStandardSchema, validateParams } from './params.ts';

/** A loaded workflow. */
export interface Workflow {
  /** Absolute path of the module. */
  readonly path: string;
  readonly main: (params: Record<string, unknown>) => unknown;
  readonly schema: StandardSchemaV1 | undefined;
  /** For a WfFormat instance: its workflow (the instance, its plan). */
  readonly wfformat?: WfWorkflow;
}

/** Imports the workflow at `file` (relative to the working directory). */
export async function loadWorkflow(file: string): Promise<Workflow> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UsageError(`workflow file not found: ${path}`);
  }
  if (extname(path).toLowerCase() === '.json') return loadInstance(path);
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    throw importError(path, error);
  }
  const main = module.default;
  if (typeof main !== 'function') {
    throw new UsageError(
      `${path} has no default export function: write export default async function main(params) { ... }`,
    );
  }
  checkGraph(main, path);
  return {
    path,
    main: main as Workflow['main'],
    schema: isStandardSchema(module.params) ? module.params : undefined,
  };
}

/**
 * A graph of steps (`graph()` of any copy of weft: it carries its model
 * under `Symbol.for('weft.steps.graph')`) is checked before anything runs:
 * a wrong graph is a usage error.
 */
function checkGraph(main: unknown, path: string): void {
  const graph = main as { check?: unknown } & Record<symbol, unknown>;
  if (graph[STEP_GRAPH] === undefined || typeof graph.check !== 'function') return;
  try {
    graph.check();
  } catch (error) {
    if (!isWeftError(error)) throw error;
    throw new UsageError(`${path}: ${error.message}`, { cause: error });
  }
}

const STEP_GRAPH = Symbol.for('weft.steps.graph');

/** A WfFormat instance as a workflow; a file that is not one, or a malformed one, is a usage error. */
async function loadInstance(path: string): Promise<Workflow> {
  const [{ readFile }, wf] = await Promise.all([
    import('node:fs/promises'),
    import('../frontends/wfformat/index.ts'),
  ]);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!wf.looksLikeWfFormat(doc)) {
    throw new UsageError(
      `${path} is not a WfFormat instance (it has no schemaVersion and workflow): weft run takes a workflow module (.ts, .js) or a WfFormat instance (.json)`,
    );
  }
  try {
    const workflow = wf.workflowOf(await wf.parseInstance(doc, path), {}, path);
    return {
      path,
      main: (params) => workflow(params as WfParams),
      schema: wf.paramsSchema,
      wfformat: workflow,
    };
  } catch (error) {
    if (!isWeftError(error)) throw error;
    throw new UsageError(error.message, { cause: error });
  }
}

/**
 * The error for a workflow that failed to import. The mistakes a new project
 * makes (ES module syntax in a CommonJS scope, TypeScript that Node cannot
 * strip, a relative import without its extension, a type imported as a
 * value) get a message that says what to do, and the lines Node points at;
 * anything else shows its stack.
 */
function importError(path: string, error: unknown): UsageError {
  const e = error instanceof Error ? error : new Error(String(error));
  const head = `could not import the workflow ${path}:`;
  const why =
    esmInCommonJs(e, path) ??
    notErasable(e, path) ??
    missingExtension(e, path) ??
    typeImportedAsValue(e);
  if (why === undefined) {
    return new UsageError(head, { cause: error, detail: e.stack ?? e.message });
  }
  return new UsageError(`${head} ${why}`, { cause: error, detail: codeFrame(e) });
}

const ESM_SYNTAX =
  /^(Cannot use import statement outside a module|Unexpected token 'export'|Cannot use 'import\.meta' outside a module)$/;

function esmInCommonJs(e: Error, path: string): string | undefined {
  const code = (e as { code?: unknown }).code;
  const fix = `Add "type": "module" to the project's package.json, or name the file .mjs (.mts for TypeScript).`;
  if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') {
    return `${e.message}\nweft imports workflows as ES modules: write them with import, not require(). ${fix}`;
  }
  if (!(e instanceof SyntaxError && ESM_SYNTAX.test(e.message))) return undefined;
  const file = locationOf(e) ?? path;
  const pkg = nearestPackageJson(dirname(file));
  const who = file === path ? 'it' : file;
  const scope =
    pkg === undefined ? 'no package.json above it' : `its nearest package.json, ${pkg},`;
  return `${who} uses import/export syntax, but Node loads it as CommonJS because ${scope} does not say "type": "module". ${fix}`;
}

function notErasable(e: Error, path: string): string | undefined {
  if ((e as { code?: unknown }).code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') return undefined;
  const construct = /TypeScript (.+?) is not supported/.exec(e.message)?.[1] ?? 'syntax';
  const file = locationOf(e) ?? path;
  return (
    `${file === path ? 'it' : file} uses a TypeScript ${construct}, which Node cannot strip. ` +
    "weft runs .ts files through Node's type stripping, which supports only erasable syntax " +
    `(no enum, namespace or parameter properties). ${STRIP_FIXES[construct] ?? STRIP_FIXES.syntax}`
  );
}

function missingExtension(e: Error, path: string): string | undefined {
  if ((e as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const [, missing, from] =
    /^Cannot find module '([^']+)' imported from (.+)$/.exec(e.message) ?? [];
  if (missing === undefined || from === undefined || extname(missing) !== '') return undefined;
  const found = ['.ts', '.mts', '.js', '.mjs'].map((ext) => missing + ext).find(existsSync);
  if (found === undefined) return undefined;
  const written = (p: string) => `./${relative(dirname(from), p)}`;
  return `${from === path ? 'it' : from} imports ${written(missing)} without its extension: relative imports name the file with its extension (${written(found)}).`;
}

function typeImportedAsValue(e: Error): string | undefined {
  const [, from, name] =
    /^The requested module '(.+\.[mc]?ts)' does not provide an export named '(.+)'$/.exec(
      e.message,
    ) ?? [];
  if (from === undefined) return undefined;
  return `${e.message}. If ${name} is a type, import it with import type { ${name} } (or import { type ${name} }): Node's type stripping removes only the imports marked as types.`;
}

/** What to write instead of each construct Node's type stripping names. */
const STRIP_FIXES: Readonly<Record<string, string>> = {
  enum: "Use a union of string literals (type Color = 'red' | 'green') or a const object (const Color = { Red: 'red' } as const) instead of the enum.",
  'namespace declaration': 'Use a module of its own (or plain exports) instead of the namespace.',
  'parameter property':
    'Declare the field in the class and assign it in the constructor instead of the parameter property.',
  syntax:
    "Rewrite it with erasable syntax only (TypeScript's erasableSyntaxOnly option reports every such place).",
};

/** The file a syntax error points at: the first line of its stack (`file:line`). */
function locationOf(e: Error): string | undefined {
  const where = /^(.+):\d+$/.exec(e.stack?.split('\n', 1)[0] ?? '')?.[1];
  if (where === undefined) return undefined;
  const file = where.startsWith('file:') ? fileURLToPath(where) : where;
  return isAbsolute(file) ? file : undefined;
}

/** The source lines a syntax error's stack shows above its message, if any. */
function codeFrame(e: Error): string | undefined {
  const stack = e.stack ?? '';
  const end = stack.indexOf(`\n${e.name}`);
  return end > 0 ? stack.slice(0, end).trimEnd() : undefined;
}

function nearestPackageJson(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return join(d, 'package.json');
    if (dirname(d) === d) return undefined;
  }
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
