/**
 * @module
 * Errors about recorded runs: one that is not in the store, one that cannot
 * be resumed because it is still running.
 */
import { WeftError } from '../errors/base.ts';

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
