/**
 * @module
 * "Rerun from failure": a new process, `weft rerun <id> --from-failure`,
 * through the weft bin the server was given and this process's Node. What
 * it can run is confined: the command and its flags are fixed, the one
 * argument that varies is a recorded run's exact id, checked against a
 * plain pattern (letters, digits, `.`, `_`, `-`, not starting with a
 * dash), and no shell is involved. The process is detached and writes to
 * a log file, so it goes on when the UI stops; one rerun per run at a time.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunRecord } from '@weft/core/store';
import { UiRequestError } from './errors.ts';
import type { ResolvedUiOptions } from './options.ts';

/** The run ids a rerun is started for. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** A rerun that was started. */
export interface StartedRerun {
  readonly pid: number;
  /** Where its output goes. */
  readonly logFile: string;
}

/** Starts reruns and remembers the ones still going. */
export class Reruns {
  readonly #o: ResolvedUiOptions;
  readonly #going = new Map<string, number>();

  constructor(o: ResolvedUiOptions) {
    this.#o = o;
  }

  /** Starts `weft rerun <run.id> --from-failure`; refuses (409) what it must not start. */
  start(run: RunRecord): StartedRerun {
    const bin = this.#o.weftBin;
    if (bin === undefined) {
      throw new UiRequestError(
        409,
        'this weft ui starts no reruns (it was not given a weft command)',
      );
    }
    if (!RUN_ID_PATTERN.test(run.id)) {
      throw new UiRequestError(
        409,
        `run id ${JSON.stringify(run.id)} is not one weft ui passes to a command (letters, digits, ., _ and -); run weft rerun yourself`,
      );
    }
    const going = this.#going.get(run.id);
    if (going !== undefined) {
      throw new UiRequestError(409, `a rerun of ${run.id} is already going (pid ${going})`);
    }
    const dir =
      this.#o.storeFile === undefined
        ? join(tmpdir(), 'weft-ui')
        : join(dirname(this.#o.storeFile), 'ui');
    mkdirSync(dir, { recursive: true });
    const logFile = join(dir, `rerun-${run.id}-${Date.now()}.log`);
    const args = [bin, 'rerun', run.id, '--from-failure'];
    if (this.#o.storeFile !== undefined) args.push('--store', this.#o.storeFile);
    const fd = openSync(logFile, 'a');
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(process.execPath, args, {
        cwd: this.#o.cwd,
        detached: true,
        stdio: ['ignore', fd, fd],
        shell: false,
      });
    } finally {
      closeSync(fd);
    }
    const pid = child.pid;
    if (pid === undefined) {
      throw new UiRequestError(409, `could not start weft rerun ${run.id} (see ${logFile})`);
    }
    this.#going.set(run.id, pid);
    const log = this.#o.log.child({ run: run.id, pid, logFile });
    log.info(`started weft rerun ${run.id} --from-failure`);
    child.on('error', (error) => log.error(`weft rerun ${run.id} failed: ${error.message}`));
    child.on('exit', (code, signal) => {
      this.#going.delete(run.id);
      const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
      if (code === 0) log.info(`weft rerun ${run.id} ended (${how})`);
      else log.warn(`weft rerun ${run.id} ended with ${how}; see ${logFile}`);
    });
    child.unref();
    return { pid, logFile };
  }
}
