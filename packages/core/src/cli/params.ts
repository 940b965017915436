/**
 * @module
 * `key=value` options (`--param`, `--set`): values are JSON when they parse
 * as JSON, else strings. A workflow's `params` export, when it is a
 * Standard Schema, validates the params and gives their final form.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { UsageError } from './errors.ts';

/** Collects a repeatable option's values (commander's `argParser`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `'3'` → 3, `'true'` → true, `'[1,2]'` → [1, 2], `'hello'` → `'hello'`. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Parses `key=value` pairs into an object (a later key wins).
 * @example
 * parsePairs(['n=3', 'name=x'], '--param') // { n: 3, name: 'x' }
 */
export function parsePairs(
  pairs: readonly string[] | undefined,
  flag: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (key === '') {
      throw new UsageError(`${flag} expects key=value, got ${JSON.stringify(pair)}`);
    }
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new UsageError(`${flag} ${key}: "${key}" is a reserved key and cannot be a name`);
    }
    const value = parseValue(pair.slice(eq + 1));
    if (hasReservedKey(value)) {
      throw new UsageError(
        `${flag} ${key}: its value uses a reserved key (__proto__, constructor or prototype)`,
      );
    }
    out[key] = value;
  }
  return out;
}

/** True when a parsed JSON value has a key that reaches a prototype when merged. */
function hasReservedKey(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') return true;
    if (hasReservedKey(v, depth + 1)) return true;
  }
  return false;
}

/** True for a Standard Schema (zod, valibot, arktype...). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const std = (value as { '~standard'?: { validate?: unknown } } | null | undefined)?.['~standard'];
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    typeof std?.validate === 'function'
  );
}

/**
 * Validates params with the workflow's schema and returns its output; a
 * failure is a `UsageError` naming each bad key and the schema's message.
 */
export async function validateParams(
  schema: StandardSchemaV1,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const result = await schema['~standard'].validate(params);
  if (result.issues === undefined) {
    const value = (result.value ?? {}) as Record<string, unknown>;
    // A key the schema dropped is one it does not take: a typo, most often.
    const unknown = Object.keys(params).filter((k) => !Object.hasOwn(value, k));
    if (unknown.length > 0 && typeof value === 'object' && value !== null) {
      const known = Object.keys(value);
      throw new UsageError(
        `unknown param${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}: ` +
          `the workflow's params schema does not take ${unknown.length === 1 ? 'it' : 'them'}` +
          (known.length === 0 ? '' : ` (it gives: ${known.join(', ')})`),
      );
    }
    return value;
  }
  const lines = result.issues.map((issue) => {
    const path = (issue.path ?? [])
      .map((p) => String(typeof p === 'object' && p !== null ? p.key : p))
      .join('.');
    return path === '' ? issue.message : `"${path}": ${issue.message}`;
  });
  if (lines.length === 1) {
    const [line] = lines;
    throw new UsageError(
      line!.startsWith('"') ? `invalid param ${line}` : `invalid params: ${line}`,
    );
  }
  throw new UsageError(`invalid params:${lines.map((l) => `\n  - ${l}`).join('')}`);
}
