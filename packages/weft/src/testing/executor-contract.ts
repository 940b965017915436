/**
 * @module
 * The executor conformance suite. `runExecutorContract({ name, create })`
 * registers vitest tests that drive an executor through the public API
 * (`run`, `startRun`, `submit`, `task`) and check the contract written in
 * `executor/executor.ts`. A new executor is done when it passes.
 *
 * What the suite observes comes from the run's events, the tasks' results,
 * errors and logs, never from memory shared with the tasks, so it holds for
 * executors that run tasks in other threads or processes too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Capacity,
  type Executor,
  type Future,
  isWeftError,
  type LogEvent,
  type RunEvent,
  type RunFailedError,
  run,
  startRun,
  submit,
  type TaskState,
} from '../index.ts';
import {
  fail,
  failSync,
  flaky,
  hold,
  identify,
  mul,
  parent,
  type Seen,
  stall,
  sum,
  value,
  valueSync,
} from './contract-tasks.ts';

export interface ExecutorContractOptions {
  /** Names the suite in test reports (`executor contract: <name>`). */
  readonly name: string;
  /** A new executor for each test; the suite disposes it after the test. */
  readonly create: () => Executor | Promise<Executor>;
}

/** Short enough to keep the suite fast; long enough that tasks overlap. */
const HOLD_MS = 5;
const CANCEL_GRACE = '50ms';
const QUICK_RETRY = { initial: '1ms', jitter: false } as const;

/**
 * Registers the executor contract's tests for one executor.
 * @example
 * // test/executor-inline.test.ts
 * import { inline } from 'weft';
 * import { runExecutorContract } from 'weft/testing';
 *
 * runExecutorContract({ name: 'inline', create: () => inline() });
 */
export function runExecutorContract({ name, create }: ExecutorContractOptions): void {
  describe(`executor contract: ${name}`, () => {
    const created: Executor[] = [];
    const newExecutor = async (): Promise<Executor> => {
      const executor = await create();
      created.push(executor);
      return executor;
    };
    afterEach(async () => {
      for (const executor of created.splice(0)) await executor[Symbol.asyncDispose]();
    });

    it('has a name and a well-formed capacity', async () => {
      const executor = await newExecutor();
      expect(typeof executor.name).toBe('string');
      expect(executor.name.length).toBeGreaterThan(0);
      const { slots, resources } = executor.capacity;
      expect(slots === Number.POSITIVE_INFINITY || Number.isInteger(slots)).toBe(true);
      expect(slots).toBeGreaterThanOrEqual(1);
      for (const amount of Object.values(resources)) {
        expect(typeof amount).toBe('number');
        expect(amount).toBeGreaterThanOrEqual(0);
      }
    });

    describe('capacity', () => {
      it('runs at most capacity.slots invocations at once, and fills them', async () => {
        const executor = await newExecutor();
        const before = structuredClone(executor.capacity);
        const slots = executor.capacity.slots;
        // One more task than slots shows the limit; a large or unlimited
        // capacity is checked with a few tasks, which must all run at once.
        const n = slots <= 64 ? slots + 3 : 8;
        const rec = recorder();
        const out = await run(() => Array.from({ length: n }, () => submit(hold, HOLD_MS)), {
          executor,
          onEvent: rec.onEvent,
        });
        expect(out).toEqual(Array(n).fill(HOLD_MS));
        const peak = peakRunning(rec.events);
        expect(peak.count).toBeLessThanOrEqual(slots);
        expect(peak.count).toBe(Math.min(n, slots));
        expect(executor.capacity).toEqual(before);
      });

      it('never runs more of a resource than capacity.resources holds', async (ctx) => {
        const executor = await newExecutor();
        const resource = pickResource(executor.capacity);
        if (resource === undefined)
          return ctx.skip('the executor offers no finite, positive resource');
        if (executor.capacity.slots < 2)
          return ctx.skip('with one slot, requirements never add up');
        const [key, amount] = resource;
        // Two of these never fit at once, while slots would allow it.
        const need = amount > 1 ? Math.floor(amount / 2) + 1 : amount;
        const big = hold.with({ requirements: { [key]: need } });
        const rec = recorder();
        const out = await run(
          () => [
            submit(big, HOLD_MS),
            submit(hold, HOLD_MS),
            submit(big, HOLD_MS),
            submit(hold, HOLD_MS),
            submit(big, HOLD_MS),
          ],
          { executor, onEvent: rec.onEvent },
        );
        expect(out).toEqual(Array(5).fill(HOLD_MS));
        const needs = new Map([0, 2, 4].map((id) => [id, need]));
        const peak = peakRunning(rec.events, (id) => needs.get(id) ?? 0);
        expect(peak.amount).toBeLessThanOrEqual(amount);
        expect(peak.amount).toBe(need);
      });

      it('refuses at submit a task that could never fit, and the run goes on', async () => {
        const executor = await newExecutor();
        const resource = pickResource(executor.capacity);
        const tooBig = [value.with({ requirements: { 'contract.unoffered': 1 } })];
        if (resource !== undefined) {
          tooBig.push(value.with({ requirements: { [resource[0]]: resource[1] + 1 } }));
        }
        const out = await run(
          () => {
            const refused = tooBig.map((t) => {
              try {
                submit(t, 'never');
                return undefined;
              } catch (error) {
                return error;
              }
            });
            return { refused, after: submit(value, 'ran') };
          },
          { executor },
        );
        expect(out.after).toBe('ran');
        expect(out.refused).toHaveLength(tooBig.length);
        for (const error of out.refused) {
          expect(isWeftError(error)).toBe(true);
          expect(error).toMatchObject({ code: 'WEFT_UNSATISFIABLE' });
        }
      });
    });

    describe('results and errors', () => {
      it('returns what tasks returned, async or not', async () => {
        const executor = await newExecutor();
        const values: unknown[] = [
          0,
          -1.5,
          '',
          'text',
          true,
          null,
          undefined,
          [1, [2, 'three']],
          { a: 1, b: { c: [true, null] } },
          new Date(0),
          new Map([['k', 1]]),
        ];
        const out = await run(
          () => ({
            async: values.map((v) => submit(value, v)),
            sync: values.map((v) => submit(valueSync, v)),
          }),
          { executor },
        );
        expect(out.async).toEqual(values);
        expect(out.sync).toEqual(values);
      });

      it('rejects with what the task threw, with its cause and own fields', async () => {
        const executor = await newExecutor();
        let caught: unknown;
        const failed = await run(
          async () => {
            try {
              await submit(fail, 'error');
            } catch (error) {
              caught = error;
            }
          },
          { executor, keepGoing: true },
        ).then(unexpected, (error: unknown) => error as RunFailedError);
        expect(caught).toBeInstanceOf(Error);
        expect(caught).toMatchObject({
          name: 'ContractError',
          message: 'contract failure',
          code: 'E_CONTRACT',
          severity: 2,
          rows: [3, 7],
          cause: { message: 'root cause' },
        });
        expect(failed.code).toBe('WEFT_RUN_FAILED');
        expect(failed.failures).toHaveLength(1);
        expect(failed.failures[0]).toMatchObject({
          name: 'contract.fail',
          attempts: 1,
          error: {
            name: 'ContractError',
            code: 'E_CONTRACT',
            message: 'contract failure',
            cause: { message: 'root cause' },
            data: { severity: 2, rows: [3, 7] },
          },
        });
      });

      it('turns what is not an Error, thrown or rejected, into NonErrorThrownError', async () => {
        const executor = await newExecutor();
        const futures: Future[] = [];
        const failed = await run(
          () => {
            futures.push(
              submit(fail, 'string'),
              submit(fail, 'object'),
              submit(fail, 'undefined'),
              submit(failSync, 'thrown synchronously'),
            );
          },
          { executor, keepGoing: true },
        ).then(unexpected, (error: unknown) => error as RunFailedError);
        const [str, obj, undef, sync] = futures.map((f) => f.exception());
        for (const error of [str, obj, undef]) {
          expect(isWeftError(error)).toBe(true);
          expect(error).toMatchObject({ code: 'WEFT_NON_ERROR_THROWN' });
          expect(error?.message).toContain('contract.fail');
        }
        expect(str).toMatchObject({ value: 'not an error' });
        expect(sync).toBeInstanceOf(Error);
        expect(sync?.message).toBe('thrown synchronously');
        // Failures are listed in the order they happened, which is the executor's.
        expect(failed.failures.map((f) => f.name).sort()).toEqual([
          'contract.fail',
          'contract.fail',
          'contract.fail',
          'contract.failSync',
        ]);
      });
    });

    describe('invocation', () => {
      it('gives the task its run, id, attempt, name, label and resolved arguments', async () => {
        const executor = await newExecutor();
        const rec = recorder();
        const handle = startRun(
          () => {
            const one = submit(value, 1);
            const two = submit(value, 'two');
            const f = submit(
              identify.with({ label: 'contract-fields' }),
              one,
              [two, 3],
              { nested: { v: one } },
              'plain',
            );
            return { id: f.id, seen: f };
          },
          { executor, onEvent: rec.onEvent },
        );
        const out = await handle.result();
        expect(out.seen).toEqual({
          runId: handle.id,
          taskId: out.id,
          attempt: 1,
          name: 'contract.identify',
          label: 'contract-fields',
          args: [1, ['two', 3], { nested: { v: 1 } }, 'plain'],
          aborted: false,
        } satisfies Seen);
        expect(handle.taskId('contract-fields')).toBe(out.id);
        const log = await rec.next(isLog('identify'));
        expect(log).toMatchObject({ taskId: out.id, attempt: 1, fields: { marker: 42 } });
      });

      it('numbers attempts from 1 across retries', async () => {
        const executor = await newExecutor();
        const rec = recorder();
        const out = await run(() => submit(flaky.with({ retries: 2, backoff: QUICK_RETRY }), 1), {
          executor,
          onEvent: rec.onEvent,
        });
        expect(out.attempt).toBe(2);
        expect(attemptsOf(rec.events, 'started')).toEqual([1, 2]);
        expect(attemptsOf(rec.events, 'retrying')).toEqual([1]);
      });
    });

    describe('submit from a task', () => {
      // With one slot too: a task awaiting another gives its slot back meanwhile.
      it("adds children to the task's run, and the task can await them", async () => {
        const executor = await newExecutor();
        const rec = recorder();
        const handle = startRun(
          () => {
            const p = submit(parent, 5);
            return { id: p.id, out: p };
          },
          { executor, onEvent: rec.onEvent },
        );
        const { id, out } = await handle.result();
        expect(out.value).toBe(11);
        expect(out.runIds).toEqual([handle.id, handle.id, handle.id]);
        expect(out.child).toMatchObject({ runId: handle.id, taskId: out.ids[2], args: [10] });
        const submitted = rec.events.filter((e) => e.type === 'submitted');
        for (const child of out.ids) {
          expect(submitted.find((e) => e.taskId === child)).toMatchObject({ parentId: id });
        }
        expect(finalStates(rec.events)).toEqual(
          new Map([id, ...out.ids].map((t) => [t, 'succeeded'])),
        );
      });
    });

    describe('signal', () => {
      it('fires when an attempt times out, and the attempt fails with TimeoutError', async () => {
        const executor = await newExecutor();
        const rec = recorder();
        const failed = await run(() => submit(stall.with({ timeout: '20ms' }), 1), {
          executor,
          onEvent: rec.onEvent,
          cancelGrace: CANCEL_GRACE,
        }).then(unexpected, (error: unknown) => error as RunFailedError);
        expect(failed.failures).toHaveLength(1);
        expect(failed.failures[0]?.error.code).toBe('WEFT_TIMEOUT');
        const aborted = await rec.next(isLog('aborted'));
        expect(aborted).toMatchObject({ taskId: 0, attempt: 1, fields: { code: 'WEFT_TIMEOUT' } });
      });

      it('gives a retried attempt a signal that has not fired', async () => {
        const executor = await newExecutor();
        const timed = stall.with({ timeout: '20ms', retries: 1, backoff: QUICK_RETRY });
        const out = await run(() => submit(timed, 1), { executor });
        expect(out).toMatchObject({ attempt: 2, aborted: false });
      });

      it('fires when the run is cancelled, and pending tasks end cancelled', async () => {
        const executor = await newExecutor();
        const rec = recorder();
        const handle = startRun(
          () => {
            submit(value, submit(stall, 1));
          },
          { executor, onEvent: rec.onEvent, cancelGrace: CANCEL_GRACE },
        );
        void rec.next(isLog('stalling')).then(() => handle.cancel('cancelled by the contract'));
        const error = await handle.result().then(unexpected, (e: unknown) => e);
        expect(error).toMatchObject({ code: 'WEFT_RUN_CANCELLED' });
        const aborted = await rec.next(isLog('aborted'));
        expect(aborted).toMatchObject({ taskId: 0, fields: { code: 'WEFT_CANCELLED' } });
        expect(finalStates(rec.events)).toEqual(
          new Map<number, TaskState>([
            [0, 'cancelled'],
            [1, 'cancelled'],
          ]),
        );
      });

      it("fires when the run's own signal aborts", async () => {
        const executor = await newExecutor();
        const rec = recorder();
        const controller = new AbortController();
        void rec.next(isLog('stalling')).then(() => controller.abort());
        const error = await run(() => submit(stall, 1), {
          executor,
          onEvent: rec.onEvent,
          signal: controller.signal,
          cancelGrace: CANCEL_GRACE,
        }).then(unexpected, (e: unknown) => e);
        expect(error).toMatchObject({ code: 'WEFT_RUN_CANCELLED' });
        const aborted = await rec.next(isLog('aborted'));
        expect(aborted).toMatchObject({ taskId: 0, fields: { code: 'WEFT_CANCELLED' } });
      });

      it('fires in running tasks when another fails and the run fails fast', async (ctx) => {
        const executor = await newExecutor();
        if (executor.capacity.slots < 2) return ctx.skip('needs two tasks running at once');
        const rec = recorder();
        const failed = await run(
          async () => {
            submit(stall, 1);
            await rec.next(isLog('stalling'));
            submit(failSync, 'fails fast');
          },
          { executor, onEvent: rec.onEvent, cancelGrace: CANCEL_GRACE },
        ).then(unexpected, (error: unknown) => error as RunFailedError);
        expect(failed.failures.map((f) => f.name)).toEqual(['contract.failSync']);
        const aborted = await rec.next(isLog('aborted'));
        expect(aborted).toMatchObject({ taskId: 0, fields: { code: 'WEFT_CANCELLED' } });
        expect(finalStates(rec.events).get(0)).toBe('cancelled');
      });
    });

    describe('failures are isolated', () => {
      it('one failing task does not affect the others (keepGoing)', async () => {
        const executor = await newExecutor();
        const f: Record<string, Future> = {};
        const failed = await run(
          () => {
            f.before = submit(value, 'before');
            f.slow = submit(hold, HOLD_MS);
            f.bad = submit(fail, 'error');
            f.after = submit(value, 'after');
            f.dependsOnGood = submit(mul, f.slow as Future<number>, 2);
            f.dependsOnBad = submit(value, f.bad);
          },
          { executor, keepGoing: true },
        ).then(unexpected, (error: unknown) => error as RunFailedError);
        expect(failed.failures.map((x) => x.name)).toEqual(['contract.fail']);
        const states = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.state]));
        expect(states).toEqual({
          before: 'succeeded',
          slow: 'succeeded',
          bad: 'failed',
          after: 'succeeded',
          dependsOnGood: 'succeeded',
          dependsOnBad: 'upstream_failed',
        });
        expect([f.before, f.slow, f.after, f.dependsOnGood].map((x) => x?.result())).toEqual([
          'before',
          HOLD_MS,
          'after',
          2 * HOLD_MS,
        ]);
      });
    });

    describe('graphs', () => {
      it('runs a diamond once per task, in dependency order', async () => {
        const executor = await newExecutor();
        const rec = recorder();
        const out = await run(
          () => {
            const top = submit(value, 3) as Future<number>;
            const left = submit(mul, top, 2);
            const right = submit(mul, top, top);
            return submit(mul, left, right);
          },
          { executor, onEvent: rec.onEvent },
        );
        expect(out).toBe(54);
        const started = rec.events.filter((e) => e.type === 'started').map((e) => e.taskId);
        expect([...started].sort()).toEqual([0, 1, 2, 3]);
        const at = (type: string, id: number) =>
          rec.events.findIndex((e) => e.type === type && 'taskId' in e && e.taskId === id);
        expect(at('started', 1)).toBeGreaterThan(at('succeeded', 0));
        expect(at('started', 2)).toBeGreaterThan(at('succeeded', 0));
        expect(at('started', 3)).toBeGreaterThan(Math.max(at('succeeded', 1), at('succeeded', 2)));
      });

      it('runs a wide fan-out and its fan-in', async () => {
        const executor = await newExecutor();
        const width = 64;
        const out = await run(
          () => {
            const squares = Array.from({ length: width }, (_, i) => submit(mul, i, i));
            return { squares, total: submit(sum, squares) };
          },
          { executor },
        );
        expect(out.squares).toEqual(Array.from({ length: width }, (_, i) => i * i));
        expect(out.total).toBe(((width - 1) * width * (2 * width - 1)) / 6);
      });
    });

    describe('lifecycle', () => {
      it('disposes idempotently, used or not, in sequence or at once', async () => {
        const used = await newExecutor();
        expect(await run(() => submit(value, 1), { executor: used })).toBe(1);
        await expect(used[Symbol.asyncDispose]()).resolves.toBeUndefined();
        await expect(used[Symbol.asyncDispose]()).resolves.toBeUndefined();
        const fresh = await newExecutor();
        await expect(
          Promise.all([fresh[Symbol.asyncDispose](), fresh[Symbol.asyncDispose]()]),
        ).resolves.toEqual([undefined, undefined]);
      });
    });
  });
}

interface Recorder {
  readonly events: RunEvent[];
  readonly onEvent: (event: RunEvent) => void;
  /** The first event, past or future, that matches. */
  next<E extends RunEvent>(match: (event: RunEvent) => event is E): Promise<E>;
}

function recorder(): Recorder {
  const events: RunEvent[] = [];
  const waiting = new Set<(event: RunEvent) => void>();
  return {
    events,
    onEvent: (event) => {
      events.push(event);
      for (const w of waiting) w(event);
    },
    next: (match) => {
      const past = events.find(match);
      if (past !== undefined) return Promise.resolve(past);
      return new Promise((resolve) => {
        const w = (event: RunEvent): void => {
          if (!match(event)) return;
          waiting.delete(w);
          resolve(event);
        };
        waiting.add(w);
      });
    },
  };
}

function isLog(message: string): (event: RunEvent) => event is LogEvent {
  return (event): event is LogEvent => event.type === 'log' && event.message === message;
}

/** The most tasks running at once, and the most of a resource they held, as events tell. */
function peakRunning(
  events: readonly RunEvent[],
  need: (taskId: number) => number = () => 0,
): { count: number; amount: number } {
  const running = new Set<number>();
  let amount = 0;
  const peak = { count: 0, amount: 0 };
  for (const e of events) {
    if (e.type === 'started') {
      running.add(e.taskId);
      amount += need(e.taskId);
      peak.count = Math.max(peak.count, running.size);
      peak.amount = Math.max(peak.amount, amount);
    } else if ('taskId' in e && e.type !== 'log' && running.delete(e.taskId)) {
      amount -= need(e.taskId);
    }
  }
  return peak;
}

/** The attempt of each event of `type`, in order. */
function attemptsOf(events: readonly RunEvent[], type: RunEvent['type']): number[] {
  return events.flatMap((e) => (e.type === type && 'attempt' in e ? [e.attempt] : []));
}

/** Each task's state after its last state event. */
function finalStates(events: readonly RunEvent[]): Map<number, TaskState> {
  const states = new Map<number, TaskState>();
  for (const e of events) {
    if (e.type === 'succeeded' || e.type === 'failed' || e.type === 'cancelled') {
      states.set(e.taskId, e.type);
    } else if (e.type === 'upstream_failed') states.set(e.taskId, 'upstream_failed');
  }
  return states;
}

/** The first resource with a finite, positive amount, `cpus` if it has one. */
function pickResource(capacity: Capacity): [string, number] | undefined {
  const usable = Object.entries(capacity.resources).filter(
    ([, amount]) => Number.isFinite(amount) && amount > 0,
  );
  return usable.find(([key]) => key === 'cpus') ?? usable[0];
}

function unexpected(value: unknown): never {
  throw new Error(`expected the run to fail, but it returned ${String(value)}`);
}
