/**
 * @module
 * The process side of `weft exec <run-dir> <key> [--root <dir>]`, started
 * by batch jobs: parses the command line, turns SIGTERM (a job cancelled
 * or out of time) into the task's signal, and exits 0 when the task
 * succeeded, 1 when it failed (so that jobs depending on it do not start),
 * 2 when the task file was refused. `bin/weft.js` calls it directly, without
 * loading the rest of the command line, since every job pays for the start.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { isWeftError, serializeError } from '../errors/base.ts';
import { JobTerminatedError } from '../errors/batch.ts';
import { execTask } from './exec.ts';
import { projectRoot } from './project-root.ts';
import { RUN_DIR_FORMAT, writeResultFile } from './run-dir.ts';

const USAGE =
  'usage: weft exec <run-dir> <key> [--root <dir>]\n' +
  'Runs one task attempt of a batch run (inside a batch job): reads <run-dir>/tasks/<key>.task,\n' +
  'writes <run-dir>/results/<key>.result. --root: the project root task modules must lie in\n' +
  '(default: the nearest weft.config.ts, else package.json, from the working directory).\n';

/** Runs `weft exec` with `args` (what follows `exec`); resolves with the exit code. */
export async function execMain(args: readonly string[]): Promise<number> {
  const positional: string[] = [];
  let root: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (a === '--root') root = args[++i];
    else if (a.startsWith('--root=')) root = a.slice('--root='.length);
    else positional.push(a);
  }
  if (positional.length !== 2 || root === '') {
    process.stderr.write(`error: weft exec takes a run directory and a key\n${USAGE}`);
    return 2;
  }
  if (!/^\w[\w.-]*$/.test(positional[1]!)) {
    process.stderr.write(
      `error: weft exec: key ${JSON.stringify(positional[1])} must be letters, digits, '.', '-' or '_'\n`,
    );
    return 2;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort(new JobTerminatedError(`of ${positional[1]!}`));
  process.once('SIGTERM', stop);
  try {
    const ok = await execTask({
      dir: resolve(positional[0]!),
      key: positional[1]!,
      root: root === undefined ? projectRoot(process.cwd()) : resolve(root),
      signal: controller.signal,
    });
    return ok ? 0 : 1;
  } catch (error) {
    const e = serializeError(error);
    // Whoever follows the job learns why from its result file, when it can be written.
    try {
      const now = Date.now();
      writeResultFile(resolve(positional[0]!), positional[1]!, {
        format: RUN_DIR_FORMAT,
        attempt: 0,
        worker: `${hostname()}:${process.pid}`,
        startedAt: now,
        endedAt: now,
        logs: [],
        ok: false,
        error: e,
      });
    } catch {
      // the directory is not writable either: the job's output says why
    }
    process.stderr.write(
      isWeftError(error) ? `error: ${e.message}\n` : `error: ${e.stack ?? e.message}\n`,
    );
    return 2;
  } finally {
    process.off('SIGTERM', stop);
  }
}
