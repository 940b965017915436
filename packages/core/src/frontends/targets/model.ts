/**
 * @module
 * What the parts of the targets front end share: coordinates, the shape of
 * a rule's needs, and the plain data a step receives (`StepJob`) and
 * returns (`StepResult`), which cross threads and processes by structured
 * clone like any task's arguments and result.
 */

/** A coordinate's value. */
export type Coordinate = string | number | boolean;

/** Values known only at run time that select a rule's implementation: mode, platform, parameters, discoveries. */
export type Coordinates = Readonly<Record<string, Coordinate>>;

/** The values of a rule's wildcards, by name. */
export type WildcardValues<W extends string = string> = Readonly<Record<W, string>>;

/** What a rule needs: one target, a list, or named targets (each one or a list). */
export type NeedsValue =
  | string
  | readonly string[]
  | Readonly<Record<string, string | readonly string[]>>;

/**
 * How a step's `input` is rebuilt from the flat list of needed targets:
 * 0 one target, 1 a list, or `[key, count]` pairs of a record (count -1:
 * that key holds one target, not a list).
 */
export type NeedsShape = 0 | 1 | readonly (readonly [string, number])[];

/**
 * A file's identity and content hash: size, mtime, ctime and inode as `stat`
 * gives them, the hash of its content, and when the hash was taken (ms).
 */
export type FileStamp = readonly [
  size: number,
  mtimeMs: number,
  ctimeMs: number,
  ino: number,
  hash: string,
  at: number,
];

/** A value that stands for a named state's value: `{ v }` (recorded) or a step's result (which has `v`). */
export interface ValueBox {
  readonly v?: unknown;
}

/** The argument of a rule's step: one job, as plain data. */
export interface StepJob {
  /** The job's target: its rule's first output (or the state's name). */
  readonly t: string;
  /** The wildcards' values. */
  readonly w: WildcardValues;
  /** The params the rule computed for this job. */
  readonly p: unknown;
  /** The needed targets, flat, as written (file paths relative to the working directory). */
  readonly i: readonly string[];
  /** How `i` becomes the step's `input`. */
  readonly s: NeedsShape;
  /** Positions in `i` of the needs that are files (the others are named states). */
  readonly f: readonly number[];
  /** The values of the needed named states, boxed, by name. */
  readonly v: Readonly<Record<string, ValueBox>>;
  /** The files the step writes (none for a named state). */
  readonly o: readonly string[];
  /** Why it runs, as the step logs it (`input reads/a.fq changed`). */
  readonly r: string;
  /**
   * When only an input's rebuild made the job run: what the job's record
   * holds (input file hashes in the order of `f`, output hashes), so that
   * the step is skipped when its inputs came out the same.
   */
  readonly prev?: { readonly ih: readonly string[]; readonly oh: readonly string[] };
}

/** What a step returns: its stamps, for the build's records. */
export interface StepResult {
  /** A named state's value. */
  readonly v?: unknown;
  /** Stamps of the input files, in the order of `StepJob.f`. */
  readonly is: readonly FileStamp[];
  /** Stamps of the output files. */
  readonly os: readonly FileStamp[];
  /** For a command: the hash of the spec that ran (its code). */
  readonly c?: string;
  /** True when the step was skipped: its inputs came out as they were, and its outputs are intact. */
  readonly skipped?: boolean;
}

/** The next targets (and coordinates) a rule's value sets. */
export interface NextTargets {
  readonly targets?: readonly string[];
  readonly coordinates?: Readonly<Record<string, Coordinate>>;
}

/** The function-valued parts of a rule's implementation that a step calls, wherever it runs. */
export interface StepCode {
  /** The rule's name, for messages. */
  readonly rule: string;
  readonly kind: 'file' | 'state';
  // biome-ignore lint/suspicious/noExplicitAny: the step's context is typed by its rule.
  readonly run: ((ctx: any) => unknown) | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: the command's context is typed by its rule.
  readonly command: unknown | ((ctx: any) => unknown);
}
