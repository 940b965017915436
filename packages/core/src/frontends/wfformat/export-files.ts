/**
 * @module
 * The files of a run that was not imported, as far as its records tell
 * them: the store keeps no file lists, but a task's recorded result names
 * what it wrote. Outputs come from
 * - a result recorded with its output files' hashes (a task that declares
 *   outputs and is cached: a command with outputs, a step with file
 *   products under its `cache` behaviour), their paths;
 * - a command's result (`CommandResult.outputs`), its declared outputs;
 * - a target's step (its result holds its outputs' stamps): its target,
 *   the rule's first output, with its recorded size (the other outputs of
 *   a rule with several are not named in the result, so are not listed).
 * A task's inputs are the outputs of the tasks it depends on: the files
 * that flowed into it within the run. Files read from outside the run
 * (sources) are named nowhere in the records, so they are not listed.
 */
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { deserialize } from 'node:v8';
import type { ArtifactStore } from '../../store/artifact-store.ts';
import type { RunRecord, RunStore, TaskRecord } from '../../store/run-store.ts';

/** The files of a run's tasks. */
export interface RunFiles {
  /** Per task id: the paths it wrote, as recorded (absolute, or relative to the run's directory). */
  readonly outputs: ReadonlyMap<number, readonly string[]>;
  /** Per task id: the paths its dependencies wrote. */
  readonly inputs: ReadonlyMap<number, readonly string[]>;
  /** Sizes recorded in results, by path (a target's stamps). */
  readonly recordedSizes: ReadonlyMap<string, number>;
}

/** What `withOutputs` (result-codec.ts) wraps a result in; read, not unwrapped (no hashing). */
const FILES = 'weft:files';
const VALUE = 'weft:value';

/**
 * The files of `records` (tasks of run `run`) from their recorded results;
 * a result kept as an artifact is read from `artifacts` when given.
 */
export function runFiles(
  store: RunStore,
  run: RunRecord,
  records: readonly TaskRecord[],
  artifacts?: ArtifactStore,
): RunFiles {
  const outputs = new Map<number, string[]>();
  const recordedSizes = new Map<string, number>();
  for (const r of records) {
    if (!r.hasResult || (r.state !== 'succeeded' && r.state !== 'cached')) continue;
    const value = resultOf(store, run.id, r.id, artifacts);
    const found = outputsOf(value, r.label);
    if (found === undefined || found.paths.length === 0) continue;
    outputs.set(r.id, found.paths);
    found.sizes?.forEach((size, i) => {
      recordedSizes.set(found.paths[i]!, size);
    });
  }
  const inputs = new Map<number, string[]>();
  for (const r of records) {
    const seen = new Set<string>();
    for (const d of r.deps) for (const p of outputs.get(d) ?? []) seen.add(p);
    if (seen.size > 0) inputs.set(r.id, [...seen]);
  }
  return { outputs, inputs, recordedSizes };
}

/** The id of path `path` in the document: relative to the run's directory when inside it. */
export function fileIdOf(path: string, cwd: string): string {
  const rel = isAbsolute(path) ? relative(cwd, path) : path;
  const name = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  return name.replace(/[^0-9a-zA-Z\-_./:#]/g, '_');
}

/** The size of `path` now (resolved against `cwd`), or undefined when it is not a file here. */
export function sizeNow(path: string, cwd: string): number | undefined {
  try {
    const st = statSync(resolve(cwd, path));
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

function resultOf(
  store: RunStore,
  runId: string,
  id: number,
  artifacts: ArtifactStore | undefined,
): unknown {
  try {
    const stored = store.result(runId, id);
    if (stored === undefined) return undefined;
    const bytes = stored.kind === 'inline' ? stored.bytes : artifacts?.getSync(stored.hash);
    return bytes === undefined ? undefined : deserialize(bytes);
  } catch {
    return undefined; // unreadable: no files known
  }
}

type Found = { paths: string[]; sizes?: number[] };

function outputsOf(value: unknown, label: string | undefined): Found | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const wrapped = v[FILES];
  if (Array.isArray(wrapped)) {
    const paths = wrapped.map((e) => (Array.isArray(e) ? e[0] : undefined));
    if (paths.every((p): p is string => typeof p === 'string' && p !== '')) return { paths };
    return outputsOf(v[VALUE], label);
  }
  // A command's result.
  if (typeof v.exitCode === 'number' && Array.isArray(v.outputs)) {
    const paths = v.outputs.filter((p): p is string => typeof p === 'string' && p !== '');
    return { paths };
  }
  // A target's step: its outputs' stamps, the first being its target's.
  if (label !== undefined && Array.isArray(v.os) && Array.isArray(v.is) && v.os.length > 0) {
    const size = (v.os[0] as unknown[] | undefined)?.[0];
    return typeof size === 'number' && size >= 0
      ? { paths: [label], sizes: [size] }
      : { paths: [label] };
  }
  return undefined;
}
