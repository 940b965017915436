/**
 * @module
 * The executor contract on the executor itself: its name, and the capacity
 * it declares and keeps to (slots, resources, tasks that could never fit).
 */
import { describe, expect, it } from 'vitest';
import { isWeftError, run, submit } from '../../index.ts';
import { hold, value } from '../contract-tasks.ts';
import { type ContractContext, HOLD_MS, peakRunning, pickResource, recorder } from './helpers.ts';

/** Registers the tests of the executor's name and capacity. */
export function capacityContract({ newExecutor }: ContractContext): void {
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
      if (executor.capacity.slots < 2) return ctx.skip('with one slot, requirements never add up');
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
}
