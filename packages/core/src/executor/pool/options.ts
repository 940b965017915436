/**
 * @module
 * Options of the parallel executors, and their compiled form: validated
 * once, defaults filled in, durations in milliseconds.
 */
import { availableParallelism, totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../../errors/run.ts';
import { type Duration, parseDuration } from '../../util/duration.ts';
import { weftVersion } from '../../vocabulary/version.ts';

/** Options of `threads` and `processes`. */
export interface ParallelOptions {
  /** Workers at most. @default os.availableParallelism() */
  readonly max?: number;
  /**
   * Tasks one worker is given at once (`capacity.slots` is `max * concurrency`).
   * Above 1, small tasks travel several to a message and throughput rises,
   * but a task may wait in its worker behind another (its timeout counts
   * from dispatch). Tasks that declare `cpus` are still limited by
   * `resources.cpus`. A task waiting on its children never counts: its
   * worker runs other tasks meanwhile. @default 1
   */
  readonly concurrency?: number;
  /** Heap limit of each worker, in MB (threads: a V8 resource limit; processes: --max-old-space-size). */
  readonly memoryLimitMb?: number;
  /**
   * What tasks' requirements are matched against; a task requiring 2 cpus
   * takes 2 of them. @default { cpus: max, memoryMb: max * memoryLimitMb or the machine's memory, gpus: 0 }
   */
  readonly resources?: Readonly<Record<string, number>>;
  /**
   * How long a task may go on after its signal fired (timeout, cancel)
   * before its worker is stopped hard and replaced. @default '5s'
   */
  readonly killGrace?: Duration;
  /**
   * A module (URL or path) whose default export each worker calls once when
   * it starts, with `{ workerId }`; what it returns is disposed
   * (`Symbol.asyncDispose`, `Symbol.dispose`, or called if a function) when
   * the pool closes. The hook for worker-scoped resources.
   */
  readonly workerSetup?: string | URL;
  /**
   * Modules (URLs or paths) each worker imports when it starts, before its
   * first task: your task modules, so that no task pays for the import.
   * @default []
   */
  readonly preload?: readonly (string | URL)[];
  /**
   * The weft version workers must run; a worker of another refuses to start.
   * @default this weft's version
   * @internal Tests use it to see a mismatch refused.
   */
  readonly workerVersion?: string;
}

/** Options of `processes`. */
export interface ProcessesOptions extends ParallelOptions {
  /** Extra Node flags for the worker processes. @default [] */
  readonly execArgv?: readonly string[];
}

/** Options as the pool uses them. */
export interface CompiledParallelOptions {
  readonly max: number;
  readonly concurrency: number;
  readonly memoryLimitMb: number | undefined;
  readonly resources: Readonly<Record<string, number>>;
  readonly killGraceMs: number;
  readonly setup: string | undefined;
  readonly preload: readonly string[];
  readonly execArgv: readonly string[];
  /** Between SIGTERM and SIGKILL when a process is stopped. */
  readonly terminateGraceMs: number;
  /** How long closing waits for workers to exit before stopping them. */
  readonly closeGraceMs: number;
  /** The version workers must run (this weft's own). */
  readonly version: string;
}

/** Validates `options` of the executor `name` and fills in the defaults. */
export function compileParallelOptions(
  name: string,
  options: ProcessesOptions = {},
): CompiledParallelOptions {
  const whole = (value: number | undefined, what: string, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < 1) {
      throw new InvalidOptionError(
        `${name}: ${what} must be a whole number >= 1, got ${String(value)}`,
      );
    }
    return v;
  };
  const max = whole(options.max, 'max', availableParallelism());
  const concurrency = whole(options.concurrency, 'concurrency', 1);
  const limit = options.memoryLimitMb;
  if (limit !== undefined && !(Number.isFinite(limit) && limit >= 16)) {
    throw new InvalidOptionError(
      `${name}: memoryLimitMb must be at least 16, got ${String(limit)}`,
    );
  }
  const resources = {
    cpus: max,
    memoryMb: limit === undefined ? Math.floor(totalmem() / 2 ** 20) : max * limit,
    gpus: 0,
    ...options.resources,
  };
  const execArgv = options.execArgv ?? [];
  if (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string')) {
    throw new InvalidOptionError(`${name}: execArgv must be an array of strings`);
  }
  return {
    max,
    concurrency,
    memoryLimitMb: limit,
    resources: Object.freeze(resources),
    killGraceMs: parseDuration(options.killGrace ?? '5s', `${name}: killGrace`),
    setup: options.workerSetup === undefined ? undefined : toUrl(options.workerSetup),
    preload: (options.preload ?? []).map(toUrl),
    execArgv,
    terminateGraceMs: 1000,
    closeGraceMs: 2000,
    version: options.workerVersion ?? weftVersion(),
  };
}

/** A module given as a URL or a path, as a URL string. */
function toUrl(module: string | URL): string {
  return module instanceof URL || /^[a-z]+:/.test(module)
    ? String(module)
    : pathToFileURL(module).href;
}
