import {
  CancelledError,
  CycleError,
  DuplicateLabelError,
  deserializeError,
  FutureNotDoneError,
  InvalidArgumentError,
  InvalidOptionError,
  isWeftError,
  NoActiveRunError,
  NonErrorThrownError,
  NonRetryableError,
  NotATaskError,
  RunCancelledError,
  RunFailedError,
  run,
  type SerializedError,
  serializeError,
  submit,
  TimeoutError,
  task,
  UnsatisfiableRequirementsError,
  UpstreamFailedError,
  WeftError,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { rejection } from './helpers.ts';

const ref = { id: 3, name: 'clean', label: 'c' };

const failure = {
  id: 3,
  name: 'clean',
  label: 'c',
  attempts: 2,
  error: serializeError(new Error('bad row')),
};

/** One instance of every error class weft exports, with its expected stable code. */
const samples: { name: string; error: WeftError; code: string }[] = [
  [new NonRetryableError('no'), 'WEFT_NON_RETRYABLE'],
  [new InvalidOptionError('bad option'), 'WEFT_INVALID_OPTION'],
  [new NotATaskError('not a task'), 'WEFT_NOT_A_TASK'],
  [new InvalidArgumentError('clean', 'args[0]', 'bad arg'), 'WEFT_INVALID_ARGUMENT'],
  [new NoActiveRunError('clean'), 'WEFT_NO_RUN'],
  [new DuplicateLabelError('c', ref, 'other'), 'WEFT_DUPLICATE_LABEL'],
  [new UnsatisfiableRequirementsError('clean#3', 'inline', 'cpus', 4, 2), 'WEFT_UNSATISFIABLE'],
  [new TimeoutError('clean#3', 20), 'WEFT_TIMEOUT'],
  [new CancelledError('cancelled'), 'WEFT_CANCELLED'],
  [new NonErrorThrownError('clean#3', 42, '42'), 'WEFT_NON_ERROR_THROWN'],
  [new UpstreamFailedError('merge#4', ref, 'failed', new Error('root')), 'WEFT_UPSTREAM_FAILED'],
  [new FutureNotDoneError('clean#3', 'running'), 'WEFT_NOT_DONE'],
  [new CycleError([ref, { id: 4, name: 'merge' }]), 'WEFT_CYCLE'],
  [new RunFailedError('r', [failure]), 'WEFT_RUN_FAILED'],
  [new RunCancelledError('r', 'stop'), 'WEFT_RUN_CANCELLED'],
].map(([error, code]) => ({
  name: (error as WeftError).name,
  error: error as WeftError,
  code: code as string,
}));

/** Own enumerable fields other than the standard ones: what a subclass declares. */
function fields(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (!['name', 'message', 'stack', 'cause', 'code'].includes(key)) {
      out[key] = (error as unknown as Record<string, unknown>)[key];
    }
  }
  return out;
}

describe('weft errors', () => {
  it.each(samples)(
    '$name has its stable code, its class name and isWeftError',
    ({ error, code }) => {
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(WeftError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(error.constructor.name);
      expect(isWeftError(error)).toBe(true);
    },
  );

  it('use distinct codes', () => {
    const codes = samples.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('isWeftError is false for other values', () => {
    expect(isWeftError(new Error('plain'))).toBe(false);
    expect(isWeftError({ code: 'WEFT_TIMEOUT', message: 'fake' })).toBe(false);
    expect(isWeftError(null)).toBe(false);
    expect(isWeftError('WEFT_TIMEOUT')).toBe(false);
  });

  it('keep the data their messages name in fields', () => {
    expect(new TimeoutError('t#1', 20)).toMatchObject({ timeoutMs: 20 });
    expect(new UnsatisfiableRequirementsError('t#1', 'inline', 'gpus', 1, 0)).toMatchObject({
      task: 't#1',
      resource: 'gpus',
      requested: 1,
      available: 0,
    });
    expect(new InvalidArgumentError('t', 'args[1].x', 'm')).toMatchObject({
      task: 't',
      path: 'args[1].x',
    });
  });
});

describe('serializeError / deserializeError', () => {
  it.each(samples)('$name round-trips through structuredClone', ({ error, code }) => {
    const plain = structuredClone(serializeError(error));
    const back = deserializeError(plain);
    expect(back.name).toBe(error.name);
    expect(back.message).toBe(error.message);
    expect(back.stack).toBe(error.stack);
    expect((back as WeftError).code).toBe(code);
    expect(isWeftError(back)).toBe(true);
  });

  it.each(samples)('$name keeps every field it declares', ({ error }) => {
    const back = deserializeError(structuredClone(serializeError(error)));
    expect(fields(back)).toEqual(fields(error));
  });

  it('keeps a chain of causes', () => {
    const root = new Error('disk full');
    const middle = new TimeoutError('load#0', 20);
    Object.defineProperty(middle, 'cause', { value: root, enumerable: false });
    const top = new UpstreamFailedError('merge#1', { id: 0, name: 'load' }, 'failed', middle);
    const back = deserializeError(structuredClone(serializeError(top)));
    const cause = back.cause as Error;
    expect(cause.message).toBe(middle.message);
    expect((cause as WeftError).code).toBe('WEFT_TIMEOUT');
    expect(isWeftError(cause)).toBe(true);
    expect((cause.cause as Error).message).toBe('disk full');
    expect(isWeftError(cause.cause)).toBe(false);
  });

  it('keeps plain errors plain, with name, message, stack and extra fields', () => {
    const error = Object.assign(new TypeError('wrong type'), { status: 404, tags: ['a', 'b'] });
    const plain = serializeError(error);
    expect(plain).toEqual({
      name: 'TypeError',
      message: 'wrong type',
      stack: error.stack,
      data: { status: 404, tags: ['a', 'b'] },
    });
    const back = deserializeError(structuredClone(plain));
    expect(back).toBeInstanceOf(Error);
    expect(isWeftError(back)).toBe(false);
    expect(back).toMatchObject({ name: 'TypeError', message: 'wrong type', status: 404 });
  });

  it('describes thrown values that are not errors', () => {
    expect(serializeError('oops')).toEqual({ name: 'NonError', message: '"oops"' });
    expect(serializeError(42)).toEqual({ name: 'NonError', message: '42' });
    expect(serializeError(undefined)).toEqual({ name: 'NonError', message: 'undefined' });
  });

  it('survives JSON through toJSON', () => {
    const error = new UnsatisfiableRequirementsError('t#1', 'inline', 'cpus', 4, 2);
    const back = deserializeError(JSON.parse(JSON.stringify(error)) as SerializedError);
    expect(back.message).toBe(error.message);
    expect(back).toMatchObject({ code: 'WEFT_UNSATISFIABLE', resource: 'cpus', requested: 4 });
  });

  it("keeps the cause of a run's RunFailedError", async () => {
    const fail = task('fail', async () => {
      throw new Error('the real reason');
    });
    const error = await rejection(run(async () => void submit(fail)));
    expect(error).toBeInstanceOf(RunFailedError);
    const back = deserializeError(structuredClone(serializeError(error)));
    expect((back.cause as Error | undefined)?.message).toBe('the real reason');
  });
});

describe('NonErrorThrownError', () => {
  it.each([
    ['a string', 'disk full', '"disk full"'],
    ['a number', 404, '404'],
    ['undefined', undefined, 'undefined'],
  ])('is what a task that throws %s fails with, naming the value', async (_what, value, shown) => {
    const throwsValue = task('throwsValue', async () => {
      throw value;
    });
    let id = -1;
    let error: unknown;
    await rejection(
      run(
        async () => {
          const f = submit(throwsValue);
          id = f.id;
          error = await rejection(f);
        },
        { keepGoing: true },
      ),
    );
    expect(error).toBeInstanceOf(NonErrorThrownError);
    expect((error as NonErrorThrownError).value).toBe(value);
    expect((error as Error).message).toBe(
      `task throwsValue#${id} threw a non-Error value: ${shown}. Throw an Error instead, so the stack is kept.`,
    );
  });

  it('names the content of a thrown plain object', async () => {
    const thrower = task('thrower', async () => {
      throw { status: 503, reason: 'quota exceeded' };
    });
    const error = await rejection(run(async () => void submit(thrower)));
    const message = (error as RunFailedError).failures[0]?.error.message;
    expect(message).toContain('threw a non-Error value');
    expect(message).toContain('503');
    expect(message).toContain('quota exceeded');
  });
});
