/**
 * @module
 * Checking an instance against the JSON schema of its own version, with
 * ajv (the schemas are WfCommons' own, copied into `schemas/`; see the
 * README there). Each version's validator is compiled once, on first use.
 * A problem becomes a `WfFormatSchemaError` that names the task (its id,
 * or its name up to 1.4) and the field, rather than a JSON pointer.
 */
import { readFile } from 'node:fs/promises';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { WfFormatSchemaError } from '../../errors/wfformat.ts';
import type { WfVersion } from './model.ts';

/**
 * The schemas' folder: in the sources, beside this module; the package
 * ships `src/`, so a build in `dist/` finds them at the same place.
 */
const SCHEMAS = new URL('../../../src/frontends/wfformat/schemas/', import.meta.url);

const compiled = new Map<WfVersion, Promise<ValidateFunction>>();

/** The JSON schema of a WfFormat version, as WfCommons publishes it. */
export async function schemaOf(version: WfVersion): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(new URL(`v${version}.json`, SCHEMAS), 'utf8'));
}

function validator(version: WfVersion): Promise<ValidateFunction> {
  let v = compiled.get(version);
  if (v === undefined) {
    v = (async () => {
      const [{ Ajv }, schema] = await Promise.all([import('ajv'), schemaOf(version)]);
      // Formats are not checked: real traces carry `createdAt` without a time
      // zone, which `date-time` refuses, though WfCommons' own tools accept it.
      const ajv = new Ajv({
        strict: false,
        allErrors: true,
        validateFormats: false,
        validateSchema: false,
      });
      return ajv.compile(schema);
    })();
    compiled.set(version, v);
    v.catch(() => compiled.delete(version));
  }
  return v;
}

/**
 * Checks `doc` against the schema of `version`; throws `WfFormatSchemaError`
 * for the first problem (naming how many more there are).
 */
export async function checkSchema(doc: unknown, version: WfVersion, file: string): Promise<void> {
  const validate = await validator(version);
  if (validate(doc)) return;
  const errors = validate.errors ?? [];
  const first = errors[0];
  if (first === undefined) return;
  throw schemaError(doc, first, version, file, errors.length - 1);
}

/** Task lists by their path in the document, at every version. */
const TASK_LISTS = ['workflow/jobs', 'workflow/tasks', 'workflow/specification/tasks'];

function schemaError(
  doc: unknown,
  e: ErrorObject,
  version: WfVersion,
  file: string,
  more: number,
): WfFormatSchemaError {
  const path = e.instancePath.split('/').slice(1).map(unpointer);
  let field = path;
  let task: string | undefined;
  const list = TASK_LISTS.find((l) => e.instancePath.startsWith(`/${l}/`));
  const execution = e.instancePath.startsWith('/workflow/execution/tasks/');
  if (list !== undefined || execution) {
    const depth = (list ?? 'workflow/execution/tasks').split('/').length;
    const raw = at(doc, path.slice(0, depth + 1));
    task = taskKey(raw, version) ?? `#${path[depth]}`;
    field = path.slice(depth + 1);
    if (execution) field = ['(execution)', ...field];
  }
  const missing = e.keyword === 'required' ? String(e.params.missingProperty) : undefined;
  if (missing !== undefined) field = [...field, missing];
  const name = fieldName(field) || (task === undefined ? '(the document)' : '(the task itself)');
  return new WfFormatSchemaError(
    { file, task, field: name },
    missing === undefined ? problemText(e, at(doc, path)) : 'is missing (required)',
    version,
    more,
  );
}

/** `parents[2]`, `files[0].size`, `workflow.makespan`. */
function fieldName(path: readonly string[]): string {
  let out = '';
  for (const p of path) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

function problemText(e: ErrorObject, value: unknown): string {
  const found = ` (found ${shown(value)})`;
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}${found}`;
  }
  return `${e.message ?? 'is invalid'}${found}`;
}

function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function at(doc: unknown, path: readonly string[]): unknown {
  let v = doc;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** How parents name a task in this version: its id in 1.5, its name before. */
function taskKey(raw: unknown, version: WfVersion): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as { id?: unknown; name?: unknown };
  const first = version === '1.5' ? r.id : r.name;
  const other = version === '1.5' ? r.name : r.id;
  if (typeof first === 'string' && first !== '') return first;
  return typeof other === 'string' && other !== '' ? other : undefined;
}

function unpointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
