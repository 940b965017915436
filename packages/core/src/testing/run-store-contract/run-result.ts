/**
 * @module
 * The run store contract on what a run records besides its tasks: its own
 * result (stored by `close`, read by `runResult`, cleared by a resume) and
 * the executor it was started with (`executorConfig`, JSON, kept by a
 * resume unless it gives another).
 */
import { describe, expect, it } from 'vitest';
import type { StoredResult } from '../../store/run-store.ts';
import { failure, runInfo, type StoreContext } from './helpers.ts';

const code = (error: Error) => (error as { code?: string }).code;

/** Registers the tests of run results and executor configs. */
export function runResultContract({ newStore, reopen }: StoreContext): void {
  describe("a run's result and executor", () => {
    it('close stores the run’s result; runResult reads it back', async () => {
      const store = await newStore();
      const inline = runInfo();
      const bytes = new Uint8Array([1, 2, 3]);
      const writer = store.openRun(inline);
      expect(store.run(inline.id)?.hasResult).toBe(false);
      await writer.close('succeeded', { kind: 'inline', bytes });
      expect(bytes).toEqual(new Uint8Array([1, 2, 3])); // the caller's bytes are left alone
      expect(store.run(inline.id)).toMatchObject({ state: 'succeeded', hasResult: true });
      expect(store.runResult(inline.id)).toEqual({ kind: 'inline', bytes });

      const artifact = runInfo();
      const ref: StoredResult = { kind: 'artifact', hash: 'ab'.repeat(32), size: 100_000 };
      await store.openRun(artifact).close('succeeded', ref);
      expect(store.runResult(artifact.id)).toEqual(ref);

      const none = runInfo();
      await store.openRun(none).close('failed');
      expect(store.run(none.id)?.hasResult).toBe(false);
      expect(store.runResult(none.id)).toBeUndefined();
      expect(store.runResult('no-such-run')).toBeUndefined();
      if (reopen !== undefined) {
        const again = await reopen(store);
        expect(again.runResult(inline.id)).toEqual({ kind: 'inline', bytes });
        expect(again.runResult(artifact.id)).toEqual(ref);
        expect(again.run(inline.id)?.hasResult).toBe(true);
      }
    });

    it('a resume clears the result; the next close stores its own', async () => {
      const store = await newStore();
      const info = runInfo();
      await store.openRun(info).close('succeeded', { kind: 'inline', bytes: new Uint8Array([9]) });
      const writer = store.openRun(info);
      expect(store.run(info.id)?.hasResult).toBe(false);
      expect(store.runResult(info.id)).toBeUndefined();
      await writer.close('succeeded', { kind: 'inline', bytes: new Uint8Array([8, 8]) });
      expect(store.runResult(info.id)).toEqual({ kind: 'inline', bytes: new Uint8Array([8, 8]) });
    });

    it('refuses a result that is neither inline bytes nor an artifact', async () => {
      const store = await newStore();
      const info = runInfo();
      const writer = store.openRun(info);
      const error = await failure(() =>
        writer.close('succeeded', { kind: 'inline', bytes: [1] } as unknown as StoredResult),
      );
      expect(code(error)).toBe('WEFT_STORE_BAD_INPUT');
      expect(error.message).toBe(
        `a run's result must be { kind: 'inline', bytes } or { kind: 'artifact', hash, size }, not object {"kind":"inline","bytes":[1]}`,
      );
      expect(store.run(info.id)?.state).toBe('running');
      await writer.close('failed');
      expect(store.run(info.id)).toMatchObject({ state: 'failed', hasResult: false });
    });

    it('records the executor config as JSON, kept on resume unless another is given', async () => {
      const store = await newStore();
      const plain = runInfo();
      await store.openRun(plain).close('succeeded');
      expect(store.run(plain.id)?.executorConfig).toBeUndefined();

      const info = runInfo({ executorConfig: { kind: 'processes', max: 1, at: new Date(0) } });
      await store.openRun(info).close('failed');
      const json = { kind: 'processes', max: 1, at: '1970-01-01T00:00:00.000Z' };
      expect(store.run(info.id)?.executorConfig).toEqual(json);
      const { executorConfig: _, ...without } = info;
      await store.openRun(without).close('failed');
      expect(store.run(info.id)?.executorConfig).toEqual(json);
      await store.openRun({ ...info, executorConfig: 'threads' }).close('succeeded');
      expect(store.run(info.id)?.executorConfig).toBe('threads');
      expect(store.runs()[0]?.executorConfig).toBe('threads');
      if (reopen !== undefined) {
        expect((await reopen(store)).run(info.id)?.executorConfig).toBe('threads');
      }
    });

    it('refuses an executor config JSON cannot hold, recording nothing', async () => {
      const store = await newStore();
      const cyclic: Record<string, unknown> = { kind: 'processes' };
      cyclic.self = cyclic;
      for (const [config, why] of [
        [cyclic, 'Converting circular structure to JSON'],
        [{ kind: 'custom', pick: () => 1 }, '(it holds function pick)'],
        [{ kind: 'custom', max: 2n }, 'BigInt'],
        [Symbol('x'), '(it holds Symbol(x))'],
      ] as const) {
        const info = runInfo({ executorConfig: config });
        const error = await failure(() => store.openRun(info));
        expect(code(error)).toBe('WEFT_STORE_BAD_INPUT');
        expect(error.message).toContain(
          `the executorConfig of run ${info.id} cannot be stored as JSON (`,
        );
        expect(error.message).toContain(why);
        expect(store.run(info.id)).toBeUndefined();
      }
    });
  });
}
