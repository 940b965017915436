/**
 * @module
 * The in-process executor: runs tasks on the coordinator's event loop, at
 * most `concurrency` at once. The reference implementation of `Executor`.
 */
import { availableParallelism, totalmem } from 'node:os';
import { InvalidOptionError } from '../errors/run.ts';
import { submitScope } from '../vocabulary/scope.ts';
import type { Capacity, Executor, Invocation } from './executor.ts';

export interface InlineOptions {
  /** Tasks running at once. @default Infinity */
  readonly concurrency?: number;
  /**
   * What tasks' requirements are matched against.
   * @default { cpus: os.availableParallelism(), memoryMb: total memory, gpus: 0 }
   */
  readonly resources?: Readonly<Record<string, number>>;
}

class InlineExecutor implements Executor {
  readonly name = 'inline';
  readonly worker = 'inline';
  readonly capacity: Capacity;

  constructor(capacity: Capacity) {
    this.capacity = capacity;
  }

  run(invocation: Invocation, _signal: AbortSignal): Promise<unknown> {
    // The task's context already carries `signal`: in-process, they are one.
    return submitScope.run(invocation, invoke, invocation);
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}

function invoke(invocation: Invocation): Promise<unknown> {
  try {
    const fn = invocation.task.fn;
    const a = invocation.args;
    // Direct calls for the common arities: a spread call costs more.
    const result =
      a.length === 0
        ? fn(invocation)
        : a.length === 1
          ? fn(invocation, a[0])
          : a.length === 2
            ? fn(invocation, a[0], a[1])
            : fn(invocation, ...a);
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The in-process executor itself (for direct use; in resource sets, use the
 * `inline()` definition).
 * @example
 * await run(main, { executor: createInlineExecutor({ concurrency: 8 }) });
 */
export function createInlineExecutor(options: InlineOptions = {}): Executor {
  const concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
  if (!(concurrency >= 1)) {
    throw new InvalidOptionError(
      `inline: concurrency must be at least 1, got ${String(options.concurrency)}`,
    );
  }
  const resources = options.resources ?? {
    cpus: availableParallelism(),
    memoryMb: Math.floor(totalmem() / 2 ** 20),
    gpus: 0,
  };
  return new InlineExecutor({ slots: concurrency, resources: Object.freeze({ ...resources }) });
}
