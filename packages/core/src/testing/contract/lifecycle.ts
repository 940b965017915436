/**
 * @module
 * The executor contract on the executor's lifecycle: disposing it.
 */
import { describe, expect, it } from 'vitest';
import { run, submit } from '../../index.ts';
import { value } from '../contract-tasks.ts';
import type { ContractContext } from './helpers.ts';

/** Registers the tests of disposing the executor. */
export function lifecycleContract({ newExecutor }: ContractContext): void {
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
}
