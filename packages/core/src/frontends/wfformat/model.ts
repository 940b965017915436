/**
 * @module
 * A WfFormat instance as weft reads it, whatever its schema version (1.0 to
 * 1.5) and layout: one list of tasks in topological order, each with its
 * parents and children as positions in that list, its recorded runtime
 * (seconds), cores, files and machines; the files with their sizes; the
 * machines; and the workflow's recorded makespan. Field names follow
 * WfFormat 1.5, units are seconds and bytes.
 */

/** The schema versions weft reads. */
export const WF_VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5'] as const;

export type WfVersion = (typeof WF_VERSIONS)[number];

/** One task of an instance. */
export interface WfTask {
  /**
   * Its key, unique in the instance: the `id` in 1.5, the `name` up to 1.4
   * (where parents name tasks by name; the short id of 1.2 to 1.4 is `shortId`).
   */
  readonly id: string;
  readonly name: string;
  /** The `id` of a 1.2 to 1.4 task (`ID0000001`), when it has one. */
  readonly shortId: string | undefined;
  /** Where the task is in the file (`workflow.tasks[3]`), for messages. */
  readonly where: string;
  /** Positions (in `WfInstance.tasks`) of the tasks it depends on. */
  readonly parents: readonly number[];
  /** Positions of the tasks that depend on it. */
  readonly children: readonly number[];
  /** Recorded runtime in seconds; undefined when the file has none. */
  readonly runtimeSeconds: number | undefined;
  /** Recorded cores; undefined when the file has none (weft then takes 1). */
  readonly cores: number | undefined;
  readonly category: string | undefined;
  readonly program: string | undefined;
  readonly arguments: readonly string[] | undefined;
  /** Names of the machines it ran on. */
  readonly machines: readonly string[];
  /** Ids (names up to 1.4) of the files it reads. */
  readonly inputs: readonly string[];
  /** Ids (names up to 1.4) of the files it writes. */
  readonly outputs: readonly string[];
  readonly avgCPU: number | undefined;
  readonly readBytes: number | undefined;
  readonly writtenBytes: number | undefined;
  readonly memoryInBytes: number | undefined;
  readonly executedAt: string | undefined;
}

/** A machine of the trace, in 1.5 terms. */
export interface WfMachine {
  readonly nodeName: string;
  readonly system?: string;
  readonly architecture?: string;
  readonly release?: string;
  readonly memoryInBytes?: number;
  readonly cpu?: {
    readonly coreCount?: number;
    readonly speedInMHz?: number;
    readonly vendor?: string;
  };
}

/** The workflow system or runtime that recorded the trace (`wms` up to 1.4). */
export interface WfSystem {
  readonly name: string;
  readonly version: string;
  readonly url?: string;
}

/** A WfFormat instance, normalised. */
export interface WfInstance {
  /** The file it was read from, or `<object>`. */
  readonly source: string;
  readonly schemaVersion: WfVersion;
  readonly name: string;
  readonly description: string | undefined;
  readonly createdAt: string | undefined;
  readonly runtimeSystem: WfSystem | undefined;
  /** Recorded makespan in seconds (`makespan`, `makespanInSeconds`). */
  readonly makespanSeconds: number | undefined;
  readonly executedAt: string | undefined;
  readonly machines: readonly WfMachine[];
  /** In topological order: every task comes after its parents. */
  readonly tasks: readonly WfTask[];
  /** Every file a task reads or writes, with its size in bytes when recorded. */
  readonly files: ReadonlyMap<string, number | undefined>;
  /** Number of distinct parent links. */
  readonly edges: number;
}
