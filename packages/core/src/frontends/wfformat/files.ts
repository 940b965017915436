/**
 * @module
 * The files of `files` mode: where a file id goes under the run's folder
 * (ids may be names, relative paths or absolute paths, as Nextflow's are;
 * each becomes a path inside the folder, never outside it), writing a file
 * of a given size (zeros, up to the cap), and staging the workflow's
 * inputs (files some task reads and no task writes) before the tasks run.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { WfInstance } from './model.ts';

/** The path of file `id` under `dir`: its segments, without empty, `.` and `..` ones. */
export function filePath(dir: string, id: string): string {
  const parts = id.split(/[\\/]+/).filter((s) => s !== '' && s !== '.' && s !== '..');
  return join(dir, ...(parts.length === 0 ? ['_'] : parts));
}

/** The bytes written for a file of `size` (unknown: 0) under `cap`. */
export function cappedSize(size: number | undefined, cap: number): number {
  return Math.min(size ?? 0, cap);
}

let zeros = Buffer.alloc(0);

/** Writes `bytes` zero bytes to `path`, making its folder. */
export async function writeSized(path: string, bytes: number): Promise<void> {
  if (zeros.length < bytes) zeros = Buffer.alloc(bytes);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, zeros.subarray(0, bytes));
}

/** True when `path` is a file. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The ids of the files some task reads and no task writes. */
export function workflowInputs(instance: WfInstance): string[] {
  const written = new Set<string>();
  for (const t of instance.tasks) for (const f of t.outputs) written.add(f);
  const inputs = new Set<string>();
  for (const t of instance.tasks) for (const f of t.inputs) if (!written.has(f)) inputs.add(f);
  return [...inputs];
}

/**
 * Writes the workflow's inputs under `dir` with their sizes (up to `cap`),
 * leaving those already there at that size; returns how many it wrote.
 */
export async function stageInputs(instance: WfInstance, dir: string, cap: number): Promise<number> {
  let wrote = 0;
  for (const id of workflowInputs(instance)) {
    const path = filePath(dir, id);
    const bytes = cappedSize(instance.files.get(id), cap);
    const has = await stat(path).catch(() => undefined);
    if (has?.isFile() && has.size === bytes) continue;
    await writeSized(path, bytes);
    wrote++;
  }
  return wrote;
}
