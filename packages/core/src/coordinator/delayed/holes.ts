/**
 * @module
 * A planned node's arguments as a batch system receives them: each node
 * output (future) in them replaced by `null`, with its path and node id
 * among the inputs, or by its value when the node is already done (a
 * resume takes it from the earlier session).
 */
import type { PlannedInput } from '../../executor/batch-submitter.ts';
import { isNodeOutput } from '../../vocabulary/node.ts';

/** `args` with node outputs taken out: values of `known` nodes put in, the rest left as inputs. */
export function withHoles(
  args: readonly unknown[],
  known: ReadonlyMap<number, unknown>,
): { readonly args: unknown[]; readonly inputs: PlannedInput[] } {
  const inputs: PlannedInput[] = [];
  const copies = new Map<object, unknown>();
  const visit = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (isNodeOutput(value)) {
      if (known.has(value.ref)) return known.get(value.ref);
      inputs.push({ path, id: value.ref });
      return null;
    }
    const isArray = Array.isArray(value);
    if (!isArray && !isPlain(value)) return value;
    const seen = copies.get(value);
    if (seen !== undefined) return seen;
    if (isArray) {
      const copy: unknown[] = [];
      copies.set(value, copy);
      for (let i = 0; i < value.length; i++) copy.push(visit(value[i], [...path, i]));
      return copy;
    }
    const copy: Record<string, unknown> = {};
    copies.set(value, copy);
    for (const key of Object.keys(value)) {
      copy[key] = visit((value as Record<string, unknown>)[key], [...path, key]);
    }
    return copy;
  };
  return { args: args.map((a, i) => visit(a, [i])), inputs };
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
