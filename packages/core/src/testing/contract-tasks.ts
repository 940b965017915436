/**
 * @module
 * The tasks the executor contract runs. They sit at module top level, and
 * this module does not import vitest, so a worker in another thread or
 * process can import it and find them by name. They report what they saw
 * through their results, their errors and `ctx.log`, never through shared
 * memory, which a remote executor would not share.
 */
import { submit, type TaskContext, task } from '../index.ts';

/** Returns its argument. */
export const value = task('contract.value', async (_ctx, v: unknown) => v);

/** Returns its argument without being async. */
export const valueSync = task('contract.valueSync', (_ctx, v: unknown) => v);

export const add = task('contract.add', async (_ctx, a: number, b: number) => a + b);

export const mul = task('contract.mul', async (_ctx, a: number, b: number) => a * b);

export const sum = task('contract.sum', async (_ctx, xs: readonly number[]) =>
  xs.reduce((a, b) => a + b, 0),
);

/** Waits `ms` (or until its signal fires), then returns `ms`. */
export const hold = task('contract.hold', async (ctx, ms: number) => {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    ctx.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      },
      { once: true },
    );
  });
  return ms;
});

/** What a task saw of its invocation. */
export interface Seen {
  readonly runId: string;
  readonly taskId: number;
  readonly attempt: number;
  readonly name: string;
  readonly label: string | undefined;
  readonly args: readonly unknown[];
  readonly aborted: boolean;
}

function seen(ctx: TaskContext, args: readonly unknown[]): Seen {
  return {
    runId: ctx.runId,
    taskId: ctx.taskId,
    attempt: ctx.attempt,
    name: ctx.name,
    label: ctx.label,
    args,
    aborted: ctx.signal.aborted,
  };
}

/** Returns its context's fields and its arguments, and logs `identify`. */
export const identify = task('contract.identify', async (ctx, ...args: unknown[]) => {
  ctx.log.info('identify', { marker: 42 });
  return seen(ctx, args);
});

/** Fails on attempts up to `failures`, then returns what it saw. */
export const flaky = task('contract.flaky', async (ctx, failures: number) => {
  if (ctx.attempt <= failures) throw new Error(`attempt ${ctx.attempt} fails on purpose`);
  return seen(ctx, [failures]);
});

/**
 * On attempts up to `stallAttempts`, logs `stalling` and waits for its
 * signal, then logs `aborted` with the reason's `code` and rethrows the
 * reason. On later attempts, returns what it saw.
 */
export const stall = task('contract.stall', async (ctx, stallAttempts: number) => {
  if (ctx.attempt > stallAttempts) return seen(ctx, [stallAttempts]);
  const reason = await new Promise<unknown>((resolve) => {
    if (ctx.signal.aborted) resolve(ctx.signal.reason);
    else ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason), { once: true });
    ctx.log.info('stalling');
  });
  ctx.log.info('aborted', { code: (reason as { code?: unknown } | undefined)?.code });
  throw reason;
});

/** An error with a cause and fields of its own, as user code throws them. */
class ContractError extends Error {
  readonly code = 'E_CONTRACT';
  readonly severity = 2;
  readonly rows = [3, 7];

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContractError';
  }
}

/** What `fail` throws. */
type FailKind = 'error' | 'string' | 'object' | 'undefined';

export const fail = task('contract.fail', async (_ctx, kind: FailKind) => {
  switch (kind) {
    case 'error':
      throw new ContractError('contract failure', { cause: new Error('root cause') });
    case 'string':
      throw 'not an error';
    case 'object':
      throw { reason: 'not an error either' };
    case 'undefined':
      throw undefined;
  }
});

/** Throws before returning anything: the task function is not async. */
export const failSync = task('contract.failSync', (_ctx, message: string): never => {
  throw new Error(message);
});

/**
 * Submits a small chain (`x * 2`, then `+ 1`) and an `identify`, awaits them
 * and returns what they gave, with the ids and runs of their futures.
 */
export const parent = task('contract.parent', async (_ctx, x: number) => {
  const doubled = submit(mul, x, 2);
  const plusOne = submit(add, doubled, 1);
  const child = submit(identify, doubled);
  return {
    value: await plusOne,
    child: await child,
    ids: [doubled.id, plusOne.id, child.id],
    runIds: [doubled.runId, plusOne.runId, child.runId],
  };
});
