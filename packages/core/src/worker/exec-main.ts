/**
 * @module
 * The process side of `weft exec <run-dir> <key>... [--root <dir>]`,
 * started by batch jobs: parses the command line, turns SIGTERM (a job
 * cancelled or out of time) into the task's signal, and runs the tasks of
 * the keys in order (a chain of tasks fused into one job), stopping at the
 * first that does not succeed. It exits 0 when they all succeeded, 1 when
 * one failed (so that jobs depending on it do not start), 2 when a task file
 * was refused. `bin/weft.js` calls it directly, without
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
  'usage: weft exec <run-dir> <key>... [--root <dir>]\n' +
  'Runs task attempts of a batch run (inside a batch job): for each key in order, reads\n' +
  '<run-dir>/tasks/<key>.task and writes <run-dir>/results/<key>.result, stopping at the first\n' +
  'task that does not succeed. --root: the project root task modules must lie in\n' +
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
  const [dir, ...keys] = positional;
  if (dir === undefined || keys.length === 0 || root === '') {
    process.stderr.write(`error: weft exec takes a run directory and keys\n${USAGE}`);
    return 2;
  }
  const bad = keys.find((k) => !/^\w[\w.-]*$/.test(k));
  if (bad !== undefined) {
    process.stderr.write(
      `error: weft exec: key ${JSON.stringify(bad)} must be letters, digits, '.', '-' or '_'\n`,
    );
    return 2;
  }
  const controller = new AbortController();
  let key = keys[0]!;
  const stop = (): void => controller.abort(new JobTerminatedError(`of ${key}`));
  process.once('SIGTERM', stop);
  try {
    const projectDir = root === undefined ? projectRoot(process.cwd()) : resolve(root);
    for (key of keys) {
      // Told to stop between two tasks: the rest never start.
      if (controller.signal.aborted) return 1;
      const ok = await execTask({
        dir: resolve(dir),
        key,
        root: projectDir,
        signal: controller.signal,
      });
      if (!ok) return 1;
    }
    return 0;
  } catch (error) {
    const e = serializeError(error);
    // Whoever follows the job learns why from its result file, when it can be written.
    try {
      const now = Date.now();
      writeResultFile(resolve(dir), key, {
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
