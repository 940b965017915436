/**
 * @module
 * Starting a worker thread with the parent's Node options: without those
 * that only make sense for the main script (`-e`, `-p`, `--input-type`)
 * and without the per-process V8 flags a worker refuses (`--expose-gc`,
 * `--max-old-space-size`, ...), so that weft's threads start however the
 * process was started.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

const WITH_VALUE = new Set(['-e', '--eval', '-p', '--print']);

/**
 * `process.execArgv` minus what a worker thread cannot take.
 * @example
 * new Worker(url, { execArgv: workerExecArgv() });
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('--input-type') || a.startsWith('--eval=') || a.startsWith('--print=')) {
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * A new worker thread with the parent's usable Node options. Which V8 flags
 * a worker refuses is Node's to say: the first refusal names them, and the
 * worker starts without them.
 */
export function startWorker(entry: URL | string, options: Omit<WorkerOptions, 'execArgv'>): Worker {
  const execArgv = workerExecArgv();
  try {
    return new Worker(entry, { ...options, execArgv });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    const refused = new Set(
      ((error as Error).message.split(': ')[1] ?? '').split(/[\s,]+/).filter(Boolean),
    );
    return new Worker(entry, { ...options, execArgv: execArgv.filter((a) => !refused.has(a)) });
  }
}
