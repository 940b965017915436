/**
 * @module
 * A run's result (what its main returned) as the commands show it:
 * summarised for a person (a bounded `util.inspect`), or as JSON for a
 * program (values JSON has no form for are described, never dropped).
 */
import { inspect } from 'node:util';

/** The value for a person: at most a few levels, items and characters. */
export function resultText(value: unknown): string {
  return inspect(value, {
    depth: 4,
    maxArrayLength: 20,
    maxStringLength: 200,
    breakLength: 100,
    compact: 3,
    colors: false,
  });
}

/** The value as JSON text, for `--json`; a value JSON cannot hold gets a description. */
export function resultJson(value: unknown): unknown {
  const seen = new Set<object>();
  const walk = (v: unknown): unknown => {
    switch (typeof v) {
      case 'undefined':
        return null;
      case 'bigint':
        return `${v}n`;
      case 'function':
      case 'symbol':
        return String(v);
      case 'number':
        return Number.isFinite(v) ? v : String(v);
      case 'object':
        break;
      default:
        return v;
    }
    if (v === null) return null;
    if (seen.has(v)) return '[Circular]';
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map(walk);
      if (v instanceof Date) return v.toISOString();
      if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), walk(x)]));
      if (v instanceof Set) return [...v].map(walk);
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
        return `[${v.constructor.name} of ${(v as ArrayBuffer).byteLength} bytes]`;
      }
      if (v instanceof Error) return { name: v.name, message: v.message };
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value);
}
