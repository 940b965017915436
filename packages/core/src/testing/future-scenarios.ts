/**
 * @module
 * The future contract's scenarios: what a future promises wherever the task
 * that holds it runs. Each scenario submits tasks and checks what its
 * futures say with `node:assert`, throwing on the first mismatch; the
 * contract runs them as a run's main code and inside a task on an executor
 * (in a worker, say). This module does not import vitest, so a worker can
 * import it and find `scenario` by name.
 */
import { deepStrictEqual, ok, rejects, strictEqual, throws } from 'node:assert/strict';
import { gather, submit, task } from '../index.ts';

export const double = task('future.double', async (_ctx, x: number) => x * 2);
export const add = task('future.add', async (_ctx, a: number, b: number) => a + b);
export const total = task('future.total', async (_ctx, o: { readonly xs: readonly number[] }) =>
  o.xs.reduce((a, b) => a + b, 0),
);
export const fail = task('future.fail', async (_ctx, message: string) => {
  throw new Error(message);
});
export const hold = task('future.hold', async (ctx, ms: number) => {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return ms;
});

const code = (error: unknown): unknown => (error as { code?: unknown }).code;

/** Scenarios whose run is expected to fail, with the names of the tasks that fail in it. */
export const EXPECTED_FAILURES: Readonly<Record<string, readonly string[]>> = {
  'a failed task rejects the await and throws from result()': ['future.fail'],
};

/** The scenarios by name; `tag` makes labels unique per run. */
export const SCENARIOS: Readonly<Record<string, (tag: string) => Promise<void>>> = {
  async 'an awaited future gives its value and says it is done'() {
    const f = submit(double, 21);
    strictEqual(await f, 42);
    ok(f.done());
    strictEqual(f.state, 'succeeded');
    strictEqual(f.result(), 42);
    strictEqual(f.exception(), undefined);
    strictEqual(f.cancelled(), false);
    ok(Number.isInteger(f.id) && f.id >= 0, `id ${String(f.id)}`);
    ok(typeof f.runId === 'string' && f.runId.length > 0);
    ok(String(f).includes('future.double'), String(f));
  },

  async 'a failed task rejects the await and throws from result()'() {
    const f = submit(fail, 'boom');
    await rejects(Promise.resolve(f), /boom/);
    strictEqual(f.state, 'failed');
    ok(f.done());
    throws(() => f.result(), /boom/);
    ok(f.exception()?.message.includes('boom'));
  },

  async 'result() before the task is done throws FutureNotDoneError'() {
    const f = submit(hold, 300);
    strictEqual(f.done(), false);
    throws(
      () => f.result(),
      (e: unknown) => code(e) === 'WEFT_NOT_DONE',
    );
    throws(
      () => f.exception(),
      (e: unknown) => code(e) === 'WEFT_NOT_DONE',
    );
    strictEqual(await f, 300);
  },

  async 'futures as arguments are edges, also inside arrays and objects'() {
    const a = submit(double, 1);
    const b = submit(add, a, 10);
    const c = submit(total, { xs: [a, b, 100] });
    strictEqual(await c, 2 + 12 + 100);
    strictEqual(await b, 12);
    strictEqual(b.result(), 12);
  },

  async 'cancel() stops a task that has not started'() {
    const slow = submit(hold, 200);
    const next = submit(add, slow, 1);
    strictEqual(next.cancel(), true);
    await rejects(Promise.resolve(next), (e: unknown) => code(e) === 'WEFT_CANCELLED');
    strictEqual(next.cancelled(), true);
    strictEqual(next.state, 'cancelled');
    strictEqual(await slow, 200);
    strictEqual(slow.cancel(), false);
  },

  async 'a label is kept, and gather waits for all'(tag) {
    const label = `future-${tag}`;
    const f = submit(double.with({ label }), 4);
    strictEqual(f.label, label);
    deepStrictEqual(await gather(f, submit(double, 5)), [8, 10]);
  },
};

/** Runs one scenario where this task runs. */
export const scenario = task('future.scenario', async (_ctx, name: string, tag: string) => {
  const s = SCENARIOS[name];
  if (s === undefined) throw new Error(`no future scenario "${name}"`);
  await s(tag);
  return name;
});
