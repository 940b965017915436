/**
 * @module
 * A planned task's arguments as it runs: its prerequisites' values put
 * where `inputs` says, in a copy.
 */
import type { PlannedInput } from '../batch-submitter.ts';

/** A copy of `args` with each input's value (from `valueOfInput`) at its path. */
export function fillInputs(
  args: readonly unknown[],
  inputs: readonly PlannedInput[],
  valueOfInput: (id: number) => unknown,
): unknown[] {
  const filled = inputs.length === 0 ? [...args] : structuredClone([...args]);
  for (const { path, id } of inputs) {
    let at = filled as unknown as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      at = at[path[i]!] as Record<string | number, unknown>;
    }
    at[path[path.length - 1]!] = valueOfInput(id);
  }
  return filled;
}
