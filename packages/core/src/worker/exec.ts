/**
 * @module
 * `weft exec`: runs one task attempt from a batch run's directory, inside a
 * batch job. It reads the task file, refuses one written by another weft
 * version or naming a module outside the project root (a task file is
 * input from the shared filesystem: it must not make this process import
 * arbitrary code), fills in its inputs from their result files, runs the
 * task as a pool worker would (`runInvocation`: the module's content hash
 * checked, the task found by name), with its timeout and, for delayed runs,
 * its retries, and writes the result file: value or error, and what the
 * task logged and printed.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deserialize } from 'node:v8';
import { type SerializedError, serializeError } from '../errors/base.ts';
import { ExecRefusedError, JobTerminatedError } from '../errors/batch.ts';
import { CancelledError, TimeoutError } from '../errors/run.ts';
import { weftVersion } from '../vocabulary/version.ts';
import { type OneShotOutcome, runInvocation } from './one-shot.ts';
import { insideRoot, taskModuleBase } from './project-root.ts';
import {
  type ResultLog,
  RUN_DIR_FORMAT,
  readResultFile,
  type TaskFile,
  taskFilePath,
  writeResultFile,
} from './run-dir.ts';
import { captureOutput } from './stdio.ts';

export interface ExecOptions {
  /** The batch run's directory. */
  readonly dir: string;
  /** The task file's key (`tasks/<key>.task`). */
  readonly key: string;
  /** The project root: only modules inside it are imported. */
  readonly root: string;
  /** Aborts the attempt (the job is being cancelled). */
  readonly signal?: AbortSignal;
}

/**
 * Runs the attempt of task file `key` and writes its result file; resolves
 * true when the task succeeded. A task file that cannot be run throws
 * `ExecRefusedError` and writes a result file saying so when it can.
 */
export async function execTask(o: ExecOptions): Promise<boolean> {
  const startedAt = Date.now();
  const path = taskFilePath(o.dir, o.key);
  const file = readTaskFile(path);
  const module = checkedModule(path, file, o.root);
  const logs: ResultLog[] = [];
  const worker = `${hostname()}:${process.pid}`;
  const write = (attempt: number, outcome: OneShotOutcome): void => {
    writeResultFile(o.dir, o.key, {
      format: RUN_DIR_FORMAT,
      attempt,
      worker,
      startedAt,
      endedAt: Date.now(),
      logs,
      ...(outcome.ok ? { ok: true, value: outcome.value } : { ok: false, error: outcome.error }),
    });
  };
  let args: unknown[];
  try {
    args = withInputs(o.dir, file, path);
  } catch (error) {
    write(file.attempt, { ok: false, error: serializeError(error) });
    return false;
  }
  const restore = captureOutput((stream, text) => {
    logs.push({ t: 'out', stream, text, time: Date.now() });
  });
  const what = `${file.name}#${file.taskId}`;
  const retries = Math.max(0, file.retries ?? 0);
  let attempt = file.attempt;
  let outcome: OneShotOutcome;
  try {
    for (;;) {
      outcome = await attemptOnce(file, module, args, attempt, what, logs, o.signal);
      if (outcome.ok || attempt - file.attempt >= retries || o.signal?.aborted) break;
      const delay = file.backoffMs ?? 0;
      logs.push({
        t: 'log',
        level: 'warn',
        message: `attempt ${attempt} failed (${outcome.error.message}); retrying`,
        fields: undefined,
        time: Date.now(),
      });
      await new Promise((r) => setTimeout(r, delay * 2 ** (attempt - file.attempt)));
      attempt++;
    }
  } finally {
    restore();
  }
  // Told to stop (SIGTERM): that is why, whatever the task made of it (a program killed by it).
  if (!outcome.ok && o.signal?.reason instanceof JobTerminatedError) {
    outcome = { ok: false, error: serializeError(new JobTerminatedError(what)) };
  }
  write(attempt, outcome);
  return outcome.ok;
}

async function attemptOnce(
  file: TaskFile,
  module: string,
  args: unknown[],
  attempt: number,
  what: string,
  logs: ResultLog[],
  outer: AbortSignal | undefined,
): Promise<OneShotOutcome> {
  const controller = new AbortController();
  const onOuter = (): void =>
    controller.abort(
      outer?.reason instanceof JobTerminatedError
        ? new JobTerminatedError(what)
        : new CancelledError(`task ${what} was cancelled`),
    );
  outer?.addEventListener('abort', onOuter, { once: true });
  const timeoutMs = file.timeoutMs ?? 0;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => controller.abort(new TimeoutError(what, timeoutMs)), timeoutMs)
      : undefined;
  try {
    const run = runInvocation({
      module,
      hash: file.hash,
      task: file.name,
      args,
      runId: file.runId,
      taskId: file.taskId,
      attempt,
      ...(file.label === undefined ? {} : { label: file.label }),
      ...(file.resources === undefined ? {} : { resources: file.resources }),
      signal: controller.signal,
      log: (r) =>
        logs.push({
          t: 'log',
          level: r.level,
          message: r.message,
          fields: r.fields,
          time: Date.now(),
        }),
    });
    // A task that ignores its signal still fails its attempt when the signal fires.
    const aborted = new Promise<OneShotOutcome>((r) => {
      controller.signal.addEventListener(
        'abort',
        () => r({ ok: false, error: serializeError(controller.signal.reason) }),
        { once: true },
      );
    });
    return await Promise.race([run, aborted]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  }
}

function readTaskFile(path: string): TaskFile {
  let file: unknown;
  try {
    file = deserialize(readFileSync(path));
  } catch (error) {
    throw new ExecRefusedError(path, `it cannot be read (${(error as Error).message})`);
  }
  const f = file as Partial<TaskFile> | null;
  if (
    typeof f !== 'object' ||
    f === null ||
    f.format !== RUN_DIR_FORMAT ||
    typeof f.module !== 'string' ||
    typeof f.name !== 'string' ||
    typeof f.hash !== 'string' ||
    !Array.isArray(f.args) ||
    !Array.isArray(f.inputs)
  ) {
    throw new ExecRefusedError(path, `it is not a task file of format ${RUN_DIR_FORMAT}`);
  }
  if (f.version !== weftVersion()) {
    throw new ExecRefusedError(
      path,
      `it was written by weft ${String(f.version)}, and this is weft ${weftVersion()}: the batch job must run the weft that submitted it`,
    );
  }
  return f as TaskFile;
}

/** The `file:` URL of the task's module, checked to lie inside the project root. */
function checkedModule(path: string, file: TaskFile, root: string): string {
  // weft's own built-in tasks (weft.get) are named inside this weft's package.
  const { base, rel } = taskModuleBase(root, file.module);
  let realBase: string;
  try {
    realBase = realpathSync(base);
  } catch {
    throw new ExecRefusedError(path, `the project root ${base} does not exist`);
  }
  const wanted = resolve(realBase, rel);
  let real: string;
  try {
    real = realpathSync(wanted);
  } catch {
    throw new ExecRefusedError(path, `its module ${wanted} does not exist`);
  }
  if (insideRoot(realBase, real) === undefined) {
    throw new ExecRefusedError(
      path,
      `its module ${file.module} is outside the project root ${realBase}` +
        (real === wanted ? '' : ` (it resolves to ${real})`) +
        '; weft exec imports only modules of the project it runs in',
    );
  }
  return pathToFileURL(real).href;
}

/** The task's arguments with its inputs' values from their result files. */
function withInputs(dir: string, file: TaskFile, path: string): unknown[] {
  const args = [...file.args];
  for (const input of file.inputs) {
    const result = readResultFile(dir, input.key);
    if (result === undefined || !result.ok) {
      const why =
        result === undefined
          ? 'has no result'
          : `failed (${(result as { error: SerializedError }).error.message})`;
      throw new ExecRefusedError(path, `its input ${input.key} ${why}`);
    }
    let at = args as unknown as Record<string | number, unknown>;
    for (let i = 0; i < input.path.length - 1; i++) {
      at = at[input.path[i]!] as Record<string | number, unknown>;
    }
    at[input.path[input.path.length - 1]!] = result.value;
  }
  return args;
}
