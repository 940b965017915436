/**
 * @module
 * The layouts of WfFormat versions, read into one shape (`RawTask`, task
 * references still as text). Up to 1.4 a task is one object of
 * `workflow.jobs` (1.0 to 1.2) or `workflow.tasks` (1.3, 1.4), naming its
 * parents (and, in some files, children) by task name, with `runtime` (up
 * to 1.3) or `runtimeInSeconds` (1.4) and its files inline (`size` or
 * `sizeInBytes`). In 1.5 a task is split in two joined on `id`:
 * `workflow.specification.tasks` (graph and file ids, sizes in
 * `specification.files`) and `workflow.execution.tasks` (runtime, cores,
 * machines). Either runtime field is read at any version, the version's own
 * first. The document has passed its version's schema; what the schema does
 * not check (`children` before 1.5, the other version's field names) is
 * checked here.
 */
import { WfFormatInstanceError } from '../../errors/wfformat.ts';
import type { WfMachine, WfSystem, WfVersion } from './model.ts';

/** A task as read, before its references are resolved. */
export interface RawTask {
  /** How parents name it: 1.5 `id`, else `name`. */
  readonly key: string;
  /** The other name parents may use: 1.5 `name`, else the 1.2+ short `id`. */
  readonly alt: string | undefined;
  readonly name: string;
  readonly shortId: string | undefined;
  readonly where: string;
  readonly parents: readonly string[];
  readonly children: readonly string[];
  readonly runtimeSeconds: number | undefined;
  readonly cores: number | undefined;
  readonly category: string | undefined;
  readonly program: string | undefined;
  readonly arguments: readonly string[] | undefined;
  readonly machines: readonly string[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly avgCPU: number | undefined;
  readonly readBytes: number | undefined;
  readonly writtenBytes: number | undefined;
  readonly memoryInBytes: number | undefined;
  readonly executedAt: string | undefined;
}

/** A document read into one shape. */
export interface RawInstance {
  readonly name: string;
  readonly description: string | undefined;
  readonly createdAt: string | undefined;
  readonly runtimeSystem: WfSystem | undefined;
  readonly makespanSeconds: number | undefined;
  readonly executedAt: string | undefined;
  readonly machines: readonly WfMachine[];
  readonly tasks: readonly RawTask[];
  readonly files: Map<string, number | undefined>;
}

type Obj = Record<string, unknown>;

/** Reads a document (already checked against its version's schema). */
export function readLayout(doc: Obj, version: WfVersion, file: string): RawInstance {
  const workflow = doc.workflow as Obj;
  const files = new Map<string, number | undefined>();
  const modern = version === '1.5';
  const tasks = modern ? read15(workflow, files, file) : read10to14(workflow, version, files, file);
  const execution = (modern ? workflow.execution : workflow) as Obj | undefined;
  const makespan = modern
    ? execution?.makespanInSeconds
    : (workflow.makespanInSeconds ?? workflow.makespan);
  return {
    name: doc.name as string,
    description: str(doc.description),
    createdAt: str(doc.createdAt),
    runtimeSystem: system((modern ? doc.runtimeSystem : doc.wms) as Obj | undefined),
    makespanSeconds: typeof makespan === 'number' ? makespan : undefined,
    executedAt: str(execution?.executedAt),
    machines: ((execution?.machines as Obj[] | undefined) ?? []).map((m) => machine(m, version)),
    tasks,
    files,
  };
}

function read10to14(
  workflow: Obj,
  version: WfVersion,
  files: Map<string, number | undefined>,
  file: string,
): RawTask[] {
  const listName = workflow.jobs !== undefined ? 'jobs' : 'tasks';
  const list = workflow[listName] as Obj[];
  const newer = version === '1.4';
  const kb = (v: unknown) => (typeof v === 'number' ? v * 1024 : undefined);
  return list.map((t, i) => {
    const where = `workflow.${listName}[${i}]`;
    const name = t.name as string;
    const check = checker(file, name);
    const inputs: string[] = [];
    const outputs: string[] = [];
    const own = (t.files as Obj[] | undefined) ?? [];
    own.forEach((f, j) => {
      const id = f.name as string;
      const size = number(
        newer ? (f.sizeInBytes ?? f.size) : (f.size ?? f.sizeInBytes),
        `files[${j}].size`,
        check,
      );
      (f.link === 'input' ? inputs : outputs).push(id);
      // A producer's record of the size wins over a reader's.
      if (!files.has(id) || (f.link === 'output' && size !== undefined)) files.set(id, size);
    });
    const command = t.command as Obj | undefined;
    const runtime = newer ? (t.runtimeInSeconds ?? t.runtime) : (t.runtime ?? t.runtimeInSeconds);
    return {
      key: name,
      alt: str(t.id),
      name,
      shortId: str(t.id),
      where,
      parents: names(t.parents, 'parents', check) ?? [],
      children: names(t.children, 'children', check) ?? [],
      runtimeSeconds: runtimeOf(runtime, newer ? 'runtimeInSeconds' : 'runtime', check),
      cores: coresOf(t.cores, 'cores', check),
      category: str(t.category),
      program: str(command?.program),
      arguments: (command?.arguments ?? t.arguments) as string[] | undefined,
      machines: typeof t.machine === 'string' ? [t.machine] : [],
      inputs,
      outputs,
      avgCPU: number(t.avgCPU, 'avgCPU', check),
      readBytes: number(t.readBytes, 'readBytes', check) ?? kb(t.bytesRead),
      writtenBytes: number(t.writtenBytes, 'writtenBytes', check) ?? kb(t.bytesWritten),
      memoryInBytes: number(t.memoryInBytes, 'memoryInBytes', check) ?? kb(t.memory),
      executedAt: undefined,
    };
  });
}

function read15(workflow: Obj, files: Map<string, number | undefined>, file: string): RawTask[] {
  const spec = workflow.specification as Obj;
  for (const f of (spec.files as Obj[] | undefined) ?? []) {
    files.set(f.id as string, f.sizeInBytes as number);
  }
  const list = spec.tasks as Obj[];
  const known = new Map<string, number>();
  list.forEach((t, i) => {
    const id = t.id as string;
    const first = known.get(id);
    if (first !== undefined) {
      throw new WfFormatInstanceError(
        { file, task: id, field: 'id' },
        `two tasks have it (workflow.specification.tasks[${first}] and workflow.specification.tasks[${i}]); it must be unique`,
      );
    }
    known.set(id, i);
  });
  const runs = new Map<string, Obj>();
  const executed = ((workflow.execution as Obj | undefined)?.tasks as Obj[] | undefined) ?? [];
  executed.forEach((e, i) => {
    const id = e.id as string;
    const place = { file, task: id, field: `workflow.execution.tasks[${i}].id` };
    if (!known.has(id)) {
      throw new WfFormatInstanceError(
        place,
        'has an execution record, but workflow.specification.tasks has no task with this id',
      );
    }
    if (runs.has(id)) {
      throw new WfFormatInstanceError(place, 'has two execution records');
    }
    runs.set(id, e);
  });
  return list.map((t, i) => {
    const id = t.id as string;
    const e = runs.get(id) ?? {};
    const check = checker(file, id);
    const command = e.command as Obj | undefined;
    const inputs = (t.inputFiles as string[] | undefined) ?? [];
    const outputs = (t.outputFiles as string[] | undefined) ?? [];
    for (const f of [...inputs, ...outputs]) if (!files.has(f)) files.set(f, undefined);
    return {
      key: id,
      alt: t.name as string,
      name: t.name as string,
      shortId: undefined,
      where: `workflow.specification.tasks[${i}]`,
      parents: t.parents as string[],
      children: t.children as string[],
      runtimeSeconds: runtimeOf(e.runtimeInSeconds, 'runtimeInSeconds', check),
      cores: coresOf(e.coreCount, 'coreCount', check),
      category: undefined,
      program: str(command?.program),
      arguments: command?.arguments as string[] | undefined,
      machines: (e.machines as string[] | undefined) ?? [],
      inputs,
      outputs,
      avgCPU: e.avgCPU as number | undefined,
      readBytes: e.readBytes as number | undefined,
      writtenBytes: e.writtenBytes as number | undefined,
      memoryInBytes: e.memoryInBytes as number | undefined,
      executedAt: str(e.executedAt),
    };
  });
}

type Check = (field: string, problem: string) => never;

function checker(file: string, task: string): Check {
  return (field, problem) => {
    throw new WfFormatInstanceError({ file, task, field }, problem);
  };
}

function number(value: unknown, field: string, check: Check): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    check(field, `must be a number (found ${JSON.stringify(value)})`);
  }
  return value;
}

function runtimeOf(value: unknown, field: string, check: Check): number | undefined {
  const n = number(value, field, check);
  if (n !== undefined && n < 0) check(field, `must be 0 or more seconds (found ${n})`);
  return n;
}

function coresOf(value: unknown, field: string, check: Check): number | undefined {
  const n = number(value, field, check);
  if (n !== undefined && n <= 0) check(field, `must be more than 0 (found ${n})`);
  return n;
}

function names(value: unknown, field: string, check: Check): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) check(field, 'must be a list of task names');
  value.forEach((v, i) => {
    if (typeof v !== 'string') check(`${field}[${i}]`, `must be a task name (found ${v})`);
  });
  return value as string[];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function system(w: Obj | undefined): WfSystem | undefined {
  if (w === undefined) return undefined;
  return {
    name: w.name as string,
    version: w.version as string,
    ...(typeof w.url === 'string' ? { url: w.url } : {}),
  };
}

/** A machine in 1.5 terms: `cpu.count`/`speed` and `memory` (KB) before 1.4 are renamed. */
function machine(m: Obj, version: WfVersion): WfMachine {
  const cpu = m.cpu as Obj | undefined;
  const memory =
    typeof m.memoryInBytes === 'number'
      ? m.memoryInBytes
      : typeof m.memory === 'number' && version !== '1.4'
        ? m.memory * 1024
        : undefined;
  const coreCount = cpu?.coreCount ?? cpu?.count;
  const speed = cpu?.speedInMHz ?? cpu?.speed;
  return {
    nodeName: m.nodeName as string,
    ...(typeof m.system === 'string' ? { system: m.system } : {}),
    ...(typeof m.architecture === 'string' ? { architecture: m.architecture } : {}),
    ...(typeof m.release === 'string' ? { release: m.release } : {}),
    ...(memory === undefined ? {} : { memoryInBytes: memory }),
    ...(cpu === undefined
      ? {}
      : {
          cpu: {
            ...(typeof coreCount === 'number' ? { coreCount } : {}),
            ...(typeof speed === 'number' ? { speedInMHz: speed } : {}),
            ...(typeof cpu.vendor === 'string' ? { vendor: cpu.vendor } : {}),
          },
        }),
  };
}
