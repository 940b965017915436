/**
 * @module
 * How the queue names an attempt in messages: `name#id "label" (attempt n)`.
 */
import type { Invocation } from '@weft/core/executor';

/** `name#id "label" (attempt n)`. */
export function describeCall(inv: Invocation): string {
  const label = inv.label === undefined ? '' : ` "${inv.label}"`;
  return `${inv.name}#${inv.taskId}${label} (attempt ${inv.attempt})`;
}
