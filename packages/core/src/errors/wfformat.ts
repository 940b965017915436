/**
 * @module
 * The errors of the WfFormat front end (WfCommons workflow instances): a
 * file that cannot be read, a schema version weft does not read, an
 * instance that breaks its version's schema or whose graph is malformed
 * or is malformed otherwise (each naming the task and the field), and, when an instance runs in
 * `files` mode, an input file no task wrote.
 */
import { WeftError } from './base.ts';

/** Where in an instance a problem is: the task (its id or name) and the field. */
export interface WfFormatPlace {
  /** The instance file (or what stands for it: `<object>`). */
  readonly file: string;
  /** The task's id (1.5) or name (1.0 to 1.4), when the problem is in a task. */
  readonly task: string | undefined;
  /** The field, from the task (`parents[2]`) or from the document's root (`workflow.makespan`). */
  readonly field: string;
}

function placeText(p: WfFormatPlace): string {
  return p.task === undefined
    ? `${p.file}: field ${p.field}`
    : `${p.file}: task "${p.task}", field ${p.field}`;
}

/** The file could not be read, or is not JSON. */
export class WfFormatReadError extends WeftError {
  readonly file: string;
  constructor(file: string, why: string, options?: { cause?: unknown }) {
    super('WEFT_WFFORMAT_READ', `could not read the WfFormat instance ${file}: ${why}`, options);
    this.file = file;
  }
}

/** The instance has no `schemaVersion`, or one weft does not read (it reads 1.0 to 1.5). */
export class WfFormatVersionError extends WeftError {
  readonly file: string;
  /** The version the file gives, as text; undefined when it gives none. */
  readonly version: string | undefined;
  constructor(file: string, version: string | undefined, known: readonly string[]) {
    const found =
      version === undefined
        ? 'has no schemaVersion (is it a WfFormat instance?)'
        : `has schemaVersion ${version}`;
    super(
      'WEFT_WFFORMAT_VERSION',
      `${file} ${found}; weft reads WfFormat versions ${known.join(', ')}`,
    );
    this.file = file;
    this.version = version;
  }
}

/**
 * The instance breaks the JSON schema of its version: the message names the
 * task and the field of the first problem, what is wrong, and how many
 * other problems there are.
 */
export class WfFormatSchemaError extends WeftError {
  readonly file: string;
  readonly task: string | undefined;
  readonly field: string;
  /** What is wrong there (`must be number`). */
  readonly problem: string;
  /** The schema version the instance was checked against. */
  readonly version: string;
  /** How many more problems the validator found. */
  readonly more: number;
  constructor(place: WfFormatPlace, problem: string, version: string, more: number) {
    const rest = more === 0 ? '' : ` (and ${more} more problem${more === 1 ? '' : 's'})`;
    super(
      'WEFT_WFFORMAT_SCHEMA',
      `${placeText(place)}: ${problem}, against the WfFormat ${version} schema${rest}`,
    );
    this.file = place.file;
    this.task = place.task;
    this.field = place.field;
    this.problem = problem;
    this.version = version;
    this.more = more;
  }
}

/**
 * The instance follows its schema but is malformed otherwise: a parent or
 * child that names no task, two tasks with one id, a cycle, an execution
 * record of a task the specification lacks, a negative runtime, a field
 * the schema does not check (`children` before 1.5) of the wrong type.
 */
export class WfFormatInstanceError extends WeftError {
  readonly file: string;
  readonly task: string | undefined;
  readonly field: string;
  readonly problem: string;
  constructor(place: WfFormatPlace, problem: string) {
    super('WEFT_WFFORMAT_INSTANCE', `${placeText(place)}: ${problem}`);
    this.file = place.file;
    this.task = place.task;
    this.field = place.field;
    this.problem = problem;
  }
}

/** In `files` mode, a task's input file does not exist when the task starts. */
export class WfFormatInputMissingError extends WeftError {
  /** Retrying cannot make it appear: the task fails at once. */
  readonly retryable = false;
  /** The task's id in the instance. */
  readonly task: string;
  /** The file's id in the instance. */
  readonly fileId: string;
  /** Where it was looked for. */
  readonly path: string;
  constructor(task: string, fileId: string, path: string) {
    super(
      'WEFT_WFFORMAT_INPUT_MISSING',
      `task "${task}" did not start: its input file ${fileId} does not exist at ${path} (no task wrote it, and it is not a workflow input)`,
    );
    this.task = task;
    this.fileId = fileId;
    this.path = path;
  }
}

/** A run cannot be written as a WfFormat instance (it has no tasks: an instance needs one). */
export class WfFormatExportError extends WeftError {
  readonly runId: string;
  constructor(runId: string, why: string) {
    super('WEFT_WFFORMAT_EXPORT', `run ${runId} cannot be exported as WfFormat: ${why}`);
    this.runId = runId;
  }
}
