/**
 * @module
 * The stores' errors: recorded runs (one that is not in the store, one that
 * cannot be resumed because it is still running, one that another process
 * resumed first), the run stores' own (codes `WEFT_STORE_*`), and the
 * artifact stores'.
 */
import { describeValue, WeftError } from './base.ts';

const MAX_KEY = 80;

/** No run with that id (or id prefix) is recorded in the store. */
export class RunNotFoundError extends WeftError {
  readonly runId: string;
  constructor(runId: string, location: string) {
    super('WEFT_RUN_NOT_FOUND', `no run "${runId}" is recorded in ${location}`);
    this.runId = runId;
  }
}

/** A run cannot be resumed while the process running it is alive. */
export class RunStillRunningError extends WeftError {
  readonly runId: string;
  readonly pid: number;
  constructor(runId: string, pid: number) {
    super(
      'WEFT_RUN_STILL_RUNNING',
      `run ${runId} is still running (process ${pid} on this host); stop it first (weft cancel ${runId})`,
    );
    this.runId = runId;
    this.pid = pid;
  }
}

/**
 * A resume lost its claim: between deciding to resume the run and opening
 * it, another process resumed it (the run's session count moved on).
 */
export class RunClaimedError extends WeftError {
  readonly runId: string;
  /** The session that claimed the run. */
  readonly session: number;
  readonly host: string;
  readonly pid: number;
  constructor(runId: string, session: number, host: string, pid: number) {
    super(
      'WEFT_RUN_CLAIMED',
      `run ${runId} was resumed by another process meanwhile (session ${session}, pid ${pid} on host ${host}); nothing was started`,
    );
    this.runId = runId;
    this.session = session;
    this.host = host;
    this.pid = pid;
  }
}

/** A query, an event or a call the store cannot accept (a bad limit, an event of another run). */
export class RunStoreInputError extends WeftError {
  constructor(message: string) {
    super('WEFT_STORE_BAD_INPUT', message);
  }
}

/** The store was used after it was closed. */
export class RunStoreClosedError extends WeftError {
  readonly location: string;
  constructor(location: string) {
    super('WEFT_STORE_CLOSED', `the run store ${location} is closed`);
    this.location = location;
  }
}

/** `openRun` for a run this store object is still writing. */
export class RunAlreadyOpenError extends WeftError {
  readonly runId: string;
  constructor(runId: string, location: string) {
    super(
      'WEFT_STORE_RUN_OPEN',
      `run ${runId} is already being written through this store (${location}); close its writer first`,
    );
    this.runId = runId;
  }
}

/** The database was written by a newer weft: its schema version is above what this code knows. */
export class RunStoreTooNewError extends WeftError {
  readonly file: string;
  readonly found: number;
  readonly supported: number;
  constructor(file: string, found: number, supported: number) {
    super(
      'WEFT_STORE_TOO_NEW',
      `the run store ${file} has schema version ${found}, newer than this weft supports (${supported}); ` +
        'upgrade weft, or use another store file',
    );
    this.file = file;
    this.found = found;
    this.supported = supported;
  }
}

/** The database could not be opened (not a database, no permission). */
export class RunStoreOpenError extends WeftError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('WEFT_STORE_OPEN_FAILED', `could not open the run store ${file}: ${message}`, options);
    this.file = file;
  }
}

/** Writing a run's events failed (the database's message is kept); later writes are refused. */
export class RunStoreWriteError extends WeftError {
  readonly file: string;
  readonly runId: string;
  constructor(file: string, runId: string, message: string) {
    super('WEFT_STORE_WRITE_FAILED', `writing run ${runId} to ${file} failed: ${message}`);
    this.file = file;
    this.runId = runId;
  }
}

/** What the store read back cannot be what it wrote (a damaged database). */
export class RunStoreCorruptError extends WeftError {
  constructor(message: string) {
    super('WEFT_STORE_CORRUPT', message);
  }
}

/** A key that is not a SHA-256 hash (64 lowercase hex characters) was given to an artifact store. */
export class InvalidArtifactHashError extends WeftError {
  /** The key as given (a description when it is not a string), cut to 80 characters. */
  readonly key: string;
  constructor(key: unknown) {
    super(
      'WEFT_ARTIFACT_HASH',
      `${describeValue(key)} is not an artifact hash: expected 64 lowercase hex characters (SHA-256)`,
    );
    this.key =
      typeof key === 'string'
        ? key.length > MAX_KEY
          ? `${key.slice(0, MAX_KEY - 3)}...`
          : key
        : describeValue(key);
  }
}

/** An artifact was asked for that the store does not hold. */
export class ArtifactMissingError extends WeftError {
  readonly hash: string;
  /** Where the store lives (its `location`). */
  readonly location: string;
  constructor(hash: string, location: string) {
    super('WEFT_ARTIFACT_MISSING', `artifact ${hash} is not in the artifact store at ${location}`);
    this.hash = hash;
    this.location = location;
  }
}

/** The run store's writer thread died; what it had not written is lost, and later writes are refused. */
export class StoreWriterDiedError extends WeftError {
  constructor(message: string) {
    super('WEFT_STORE_WRITER_DIED', `the run store's writer stopped: ${message}`);
  }
}
