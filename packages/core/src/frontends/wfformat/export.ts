/**
 * @module
 * Any recorded run as a WfFormat 1.5 instance: the tasks of its latest
 * session with ids (a task's label, else `<name>_<id>`, made to fit
 * WfFormat's id pattern), names, parents and children (its dependencies),
 * runtimes (its last attempt), cores (its `cpus` requirement), the machine
 * (the run's host, described in full when exported on that host) and the
 * makespan (the latest session's). For a run of an imported instance, the
 * tasks take back their names, commands and files from the instance; the
 * tasks of any other run take the files their recorded results name
 * (`export-files.ts`), with their sizes when they exist here.
 */
import { arch, availableParallelism, cpus, hostname, release, totalmem } from 'node:os';
import { basename, extname } from 'node:path';
import { RunNotFoundError } from '../../errors/store.ts';
import { WfFormatExportError } from '../../errors/wfformat.ts';
import type { ArtifactStore } from '../../store/artifact-store.ts';
import type { RunRecord, RunStore, TaskRecord } from '../../store/run-store.ts';
import { weftVersion } from '../../vocabulary/version.ts';
import { fileIdOf, runFiles, sizeNow } from './export-files.ts';
import type { WfInstance, WfMachine, WfTask } from './model.ts';
import { readInstance } from './parse.ts';

export interface ExportOptions {
  /** The instance the run imported: its tasks' names, commands and files are taken back. */
  readonly instance?: WfInstance;
  /** Where results too large for the store are kept: their output files are read from there. */
  readonly artifacts?: ArtifactStore;
  /** When the document is made (`createdAt`). @default now */
  readonly now?: Date;
}

type Json = Record<string, unknown>;

const IMPORTED = new Set(['wfformat.simulate', 'wfformat.files']);

/**
 * The run `runId` of `store` as a WfFormat 1.5 document (plain JSON data).
 * @example
 * writeFileSync('run.json', JSON.stringify(exportRun(store, runId), null, 2));
 */
export function exportRun(store: RunStore, runId: string, options: ExportOptions = {}): Json {
  const run = store.run(runId);
  if (run === undefined) throw new RunNotFoundError(runId, store.location);
  const records = store.tasks(run.id, { session: 'latest', limit: Number.MAX_SAFE_INTEGER });
  if (records.length === 0) {
    throw new WfFormatExportError(run.id, 'it has no tasks, and an instance needs at least one');
  }
  const source = new Map<string, WfTask>();
  for (const t of options.instance?.tasks ?? []) source.set(t.id, t);
  const originOf = (r: TaskRecord): WfTask | undefined =>
    IMPORTED.has(r.name) && r.label !== undefined ? source.get(r.label) : undefined;
  const ids = exportIds(records);
  const children = new Map<number, string[]>();
  for (const r of records) {
    for (const d of r.deps) {
      if (!ids.has(d)) continue;
      const list = children.get(d) ?? [];
      list.push(ids.get(r.id)!);
      children.set(d, list);
    }
  }
  const files = new Map<string, number | undefined>();
  const fileId = (f: string): string => {
    const id = f.replace(/[^0-9a-zA-Z\-_./:#]/g, '_');
    files.set(id, options.instance?.files.get(f));
    return id;
  };
  // The other tasks' files, from their recorded results; sizes as they are now, on this host.
  const found = runFiles(store, run, records, options.artifacts);
  const here = run.host === hostname();
  const pathId = (path: string): string => {
    const id = fileIdOf(path, run.cwd);
    if (files.get(id) === undefined) {
      files.set(id, (here ? sizeNow(path, run.cwd) : undefined) ?? found.recordedSizes.get(path));
    }
    return id;
  };
  const machine = run.host;
  const specTasks: Json[] = [];
  const execTasks: Json[] = [];
  for (const r of records) {
    const origin = originOf(r);
    const id = ids.get(r.id)!;
    specTasks.push({
      name: origin?.name ?? r.name,
      id,
      parents: r.deps.filter((d) => ids.has(d)).map((d) => ids.get(d)!),
      children: children.get(r.id) ?? [],
      ...(origin === undefined
        ? filesOf(found.inputs.get(r.id), found.outputs.get(r.id), pathId)
        : { inputFiles: origin.inputs.map(fileId), outputFiles: origin.outputs.map(fileId) }),
    });
    const cores = r.requirements?.cpus;
    const program = origin === undefined ? r.name : origin.program;
    execTasks.push({
      id,
      runtimeInSeconds:
        r.startedAt !== undefined && r.endedAt !== undefined ? (r.endedAt - r.startedAt) / 1000 : 0,
      ...(r.startedAt === undefined ? {} : { executedAt: new Date(r.startedAt).toISOString() }),
      ...(program === undefined
        ? {}
        : {
            command: {
              program,
              ...(origin?.arguments === undefined ? {} : { arguments: nonEmpty(origin.arguments) }),
            },
          }),
      ...(cores !== undefined && cores >= 1 ? { coreCount: cores } : {}),
      ...(r.startedAt === undefined ? {} : { machines: [machine] }),
    });
  }
  const end = run.endedAt ?? run.lastActiveAt;
  return {
    name: options.instance?.name ?? nameOf(run),
    description: describeRun(run, options.instance),
    createdAt: (options.now ?? new Date()).toISOString(),
    schemaVersion: '1.5',
    runtimeSystem: { name: 'weft', version: weftVersion() },
    workflow: {
      specification: {
        tasks: specTasks,
        files: [...files]
          .filter((e): e is [string, number] => e[1] !== undefined)
          .map(([id, sizeInBytes]) => ({ id, sizeInBytes: Math.round(sizeInBytes) })),
      },
      execution: {
        makespanInSeconds: Math.max(0, end - run.sessionStartedAt) / 1000,
        executedAt: new Date(run.sessionStartedAt).toISOString(),
        tasks: execTasks,
        machines: [machineOf(machine)],
      },
    },
  };
}

/**
 * The instance a run imported, when its recorded workflow is a WfFormat
 * file that still reads; otherwise undefined.
 */
export async function importedInstance(run: RunRecord): Promise<WfInstance | undefined> {
  if (run.workflow === undefined || extname(run.workflow).toLowerCase() !== '.json')
    return undefined;
  try {
    return await readInstance(run.workflow);
  } catch {
    return undefined;
  }
}

/** A task's `inputFiles` and `outputFiles`, when it has some. */
function filesOf(
  inputs: readonly string[] | undefined,
  outputs: readonly string[] | undefined,
  id: (path: string) => string,
): Json {
  if (inputs === undefined && outputs === undefined) return {};
  return { inputFiles: (inputs ?? []).map(id), outputFiles: (outputs ?? []).map(id) };
}

/** Each task's id in the document: unique, and within WfFormat's pattern. */
function exportIds(records: readonly TaskRecord[]): Map<number, string> {
  const ids = new Map<number, string>();
  const used = new Set<string>();
  for (const r of records) {
    let id = (r.label ?? `${r.name}_${r.id}`).replace(/[^0-9a-zA-Z\-_.#]/g, '_');
    if (used.has(id)) id = `${id}#${r.id}`;
    used.add(id);
    ids.set(r.id, id);
  }
  return ids;
}

/** Arguments without empty strings, which the schema refuses. */
function nonEmpty(args: readonly string[]): string[] {
  return args.filter((a) => a !== '');
}

function nameOf(run: RunRecord): string {
  if (run.workflow === undefined) return `weft-run-${run.id}`;
  return basename(run.workflow, extname(run.workflow)) || `weft-run-${run.id}`;
}

function describeRun(run: RunRecord, instance: WfInstance | undefined): string {
  const what = run.workflow === undefined ? '' : ` of ${run.workflow}`;
  const sessions = run.sessions > 1 ? `, its latest of ${run.sessions} sessions` : '';
  const imported =
    instance === undefined ? '' : ` (an imported WfFormat ${instance.schemaVersion} instance)`;
  return `weft run ${run.id}${what}${imported}: ${run.state}${sessions}`;
}

const SYSTEMS: Readonly<Record<string, string>> = {
  linux: 'linux',
  darwin: 'macos',
  win32: 'windows',
};

/** The run's machine: its name, and what this process can tell of it when it is this host. */
function machineOf(nodeName: string): WfMachine {
  if (nodeName !== hostname()) return { nodeName };
  const system = SYSTEMS[process.platform];
  const speed = cpus()[0]?.speed ?? 0;
  return {
    nodeName,
    ...(system === undefined ? {} : { system }),
    architecture: arch(),
    release: release(),
    memoryInBytes: totalmem(),
    cpu: { coreCount: availableParallelism(), ...(speed >= 1 ? { speedInMHz: speed } : {}) },
  };
}
