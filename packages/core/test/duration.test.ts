import { type Duration, InvalidOptionError, run, startRun, task } from '@weft/core';
import { describe, expect, it } from 'vitest';

const fn = async () => 1;

/** The milliseconds a duration stands for, read back from a task's compiled timeout. */
function ms(timeout: Duration): number {
  return task({ name: 'd', timeout }, fn).options.timeoutMs;
}

describe('durations', () => {
  it.each<[Duration, number]>([
    [0, 0],
    [250, 250],
    ['250ms', 250],
    ['30s', 30 * 1000],
    ['1.5s', 1.5 * 1000],
    ['5m', 5 * 60 * 1000],
    ['1h', 60 * 60 * 1000],
    ['7d', 7 * 24 * 60 * 60 * 1000],
    ['0.5d', 12 * 60 * 60 * 1000],
    ['0ms', 0],
  ])('%j is %d ms', (duration, expected) => {
    expect(ms(duration)).toBe(expected);
  });

  it('accepts spaces around the number and unit', () => {
    expect(ms(' 2 s ' as Duration)).toBe(2000);
  });

  it.each([
    ['soon', '"soon"'],
    ['30', '"30"'],
    ['-1s', '"-1s"'],
    ['10 seconds', '"10 seconds"'],
    ['2days', '"2days"'],
    ['1w', '"1w"'],
    ['', '""'],
  ])('rejects %j with a message naming the option and the value', (value, shown) => {
    const make = () => task({ name: 'slow', timeout: value as Duration }, fn);
    expect(make).toThrow(InvalidOptionError);
    expect(make).toThrow(
      `task slow: timeout: ${shown} is not a duration; use milliseconds or a string like '500ms', '30s', '5m', '1h', '7d'`,
    );
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (value) => {
    expect(() => ms(value)).toThrow(/task d: timeout: .* is not a duration/);
  });

  it('are checked for the backoff options too', () => {
    const t = task({ name: 'b', backoff: { initial: '2s', max: '1m' } }, fn);
    expect(t.options).toMatchObject({ backoffInitialMs: 2000, backoffMaxMs: 60_000 });
    expect(() => task({ name: 'b', backoff: { initial: 'later' as Duration } }, fn)).toThrow(
      /task b: backoff\.initial: "later" is not a duration/,
    );
    expect(() => task({ name: 'b', backoff: { max: -5 } }, fn)).toThrow(
      /task b: backoff\.max: -5 is not a duration/,
    );
  });

  it('are checked for the run cancelGrace option', async () => {
    const start = () => run(() => 1, { cancelGrace: 'a while' as Duration });
    await expect(async () => start()).rejects.toThrow(InvalidOptionError);
    await expect(async () => start()).rejects.toThrow(
      /run: cancelGrace: "a while" is not a duration/,
    );
    expect(() => startRun(() => 1, { cancelGrace: -1 })).toThrow(InvalidOptionError);
  });
});

describe('task option validation', () => {
  it('rejects negative, fractional and huge retries', () => {
    for (const retries of [-1, 1.5, 1001]) {
      expect(() => task({ name: 'r', retries }, fn)).toThrow(
        new InvalidOptionError(
          `task r: retries must be a whole number from 0 to 1000, got ${retries}`,
        ),
      );
    }
  });

  it('rejects an empty or missing name and a missing function', () => {
    expect(() => task('', fn)).toThrow(
      new InvalidOptionError('task() needs a non-empty name of at most 200 characters, got ""'),
    );
    expect(() => task({} as never, fn)).toThrow(/task\(\) needs a non-empty name/);
    expect(() => task('x'.repeat(201), fn)).toThrow(/at most 200 characters/);
    expect(() => task('nofn', undefined as never)).toThrow(
      new InvalidOptionError(
        'task nofn: the second argument must be a function (ctx, ...args) => result',
      ),
    );
  });

  it('rejects a backoff factor below 1', () => {
    expect(() => task({ name: 'f', backoff: { factor: 0.5 } }, fn)).toThrow(
      new InvalidOptionError('task f: backoff.factor must be >= 1'),
    );
  });
});
