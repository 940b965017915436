/**
 * @module
 * The executor contract on results and errors: what a task returns or
 * throws reaches its future and the run as it was.
 */
import { describe, expect, it } from 'vitest';
import { type Future, isWeftError, type RunFailedError, run, submit } from '../../index.ts';
import { fail, failSync, value, valueSync } from '../contract-tasks.ts';
import { type ContractContext, unexpected } from './helpers.ts';

/** Registers the tests of what tasks return and throw. */
export function resultsContract({ newExecutor }: ContractContext): void {
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
}
