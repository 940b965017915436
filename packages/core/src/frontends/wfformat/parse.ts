/**
 * @module
 * Reading an instance: the file, its JSON, its schema version, the check
 * against that version's schema, its layout, then its graph. Each step that
 * fails says so with a `WfFormat*Error` naming the file, and for the
 * instance's content the task and the field.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WfFormatReadError, WfFormatVersionError } from '../../errors/wfformat.ts';
import { buildGraph } from './graph.ts';
import { readLayout } from './layouts.ts';
import { WF_VERSIONS, type WfInstance, type WfVersion } from './model.ts';
import { checkSchema } from './schema.ts';

/**
 * Reads the WfFormat instance at `path` (any version from 1.0 to 1.5).
 * @example
 * const instance = await readInstance('montage.json');
 * instance.tasks.length; // 103
 */
export async function readInstance(path: string): Promise<WfInstance> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new WfFormatReadError(file, (error as Error).message, { cause: error });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new WfFormatReadError(file, `not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseInstance(doc, file);
}

/**
 * An instance from its parsed JSON; `source` names it in messages.
 * @example
 * const instance = await parseInstance(JSON.parse(text), 'montage.json');
 */
export async function parseInstance(doc: unknown, source = '<object>'): Promise<WfInstance> {
  const version = versionOf(doc, source);
  await checkSchema(doc, version, source);
  const raw = readLayout(doc as Record<string, unknown>, version, source);
  const { tasks, edges } = buildGraph(raw.tasks, source);
  return {
    source,
    schemaVersion: version,
    name: raw.name,
    description: raw.description,
    createdAt: raw.createdAt,
    runtimeSystem: raw.runtimeSystem,
    makespanSeconds: raw.makespanSeconds,
    executedAt: raw.executedAt,
    machines: raw.machines,
    tasks,
    files: raw.files,
    edges,
  };
}

/** True when `doc` looks like a WfFormat document (an object with `schemaVersion` and `workflow`). */
export function looksLikeWfFormat(doc: unknown): boolean {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    'schemaVersion' in doc &&
    'workflow' in (doc as Record<string, unknown>)
  );
}

function versionOf(doc: unknown, source: string): WfVersion {
  const v =
    typeof doc === 'object' && doc !== null
      ? (doc as { schemaVersion?: unknown }).schemaVersion
      : undefined;
  if (typeof v === 'string' && (WF_VERSIONS as readonly string[]).includes(v)) {
    return v as WfVersion;
  }
  throw new WfFormatVersionError(
    source,
    v === undefined ? undefined : JSON.stringify(v),
    WF_VERSIONS,
  );
}
