/**
 * @module
 * Validating a resource's config with its Standard Schema (zod, valibot,
 * arktype, ...). Errors name the resource and the path of each bad value,
 * never the value itself.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ConfigError } from '../errors/resources.ts';

/** The validated (and possibly transformed) config, or a `ConfigError`. */
export async function validateConfig(
  schema: StandardSchemaV1 | undefined,
  value: unknown,
  resource: string,
): Promise<unknown> {
  if (schema === undefined) return value;
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues === undefined) return result.value;
  throw new ConfigError(
    resource,
    result.issues.map((issue) => ({
      path: formatPath(resource, issue.path),
      message: redact(issue.message, valueAt(value, issue.path)),
    })),
  );
}

function formatPath(resource: string, path: StandardSchemaV1.Issue['path']): string {
  let out = resource;
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' ? segment.key : segment;
    out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  }
  return out;
}

/** The input value an issue is about. */
function valueAt(value: unknown, path: StandardSchemaV1.Issue['path']): unknown {
  let at = value;
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' ? segment.key : segment;
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** Some schema libraries quote the bad value in their message: a config value may be a secret. */
function redact(message: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint')
    return message;
  let out = message.replaceAll(JSON.stringify(String(value)), '<redacted>');
  const raw = String(value);
  if (raw.length >= 4) out = out.replaceAll(raw, '<redacted>');
  return out;
}
