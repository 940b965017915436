/**
 * @module
 * Where config values come from, lowest precedence first: the config file,
 * the `config` run option, the environment (`WEFT_CONFIG` as JSON, and
 * `WEFT__db__url=...` for one value), and explicit overrides
 * (`{ 'db.url': '...' }`, later `--set db.url=...`). Values from the
 * environment and overrides are parsed as JSON when they are JSON, else kept
 * as strings.
 */
import { ConfigFileError } from '../errors/resources.ts';

export type ConfigTree = Record<string, unknown>;

export interface ConfigSources {
  readonly file?: Readonly<ConfigTree>;
  readonly options?: Readonly<ConfigTree>;
  readonly env?: NodeJS.ProcessEnv;
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/** The merged config, keyed by resource name. */
export function mergeConfig(sources: ConfigSources): ConfigTree {
  const out: ConfigTree = {};
  deepMerge(out, sources.file ?? {}, 'the config of weft.config.ts');
  deepMerge(out, sources.options ?? {}, 'the config option');
  const env = sources.env ?? {};
  if (env.WEFT_CONFIG !== undefined && env.WEFT_CONFIG !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.WEFT_CONFIG);
    } catch {
      throw new ConfigFileError(
        'WEFT_CONFIG is not valid JSON (expected an object keyed by resource name)',
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigFileError('WEFT_CONFIG must be a JSON object keyed by resource name');
    }
    deepMerge(out, parsed as ConfigTree, 'WEFT_CONFIG');
  }
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('WEFT__') && value !== undefined) {
      const parsed = parseValue(value);
      setPath(out, key.slice(6).split('__'), isTree(parsed) ? merged(parsed, key) : parsed);
    }
  }
  for (const [path, value] of Object.entries(sources.overrides ?? {})) {
    const parsed = typeof value === 'string' ? parseValue(value) : value;
    setPath(out, path.split('.'), isTree(parsed) ? merged(parsed, `override ${path}`) : parsed);
  }
  return out;
}

/** A checked copy of an object value given whole (no reserved keys at any depth). */
function merged(value: ConfigTree, where: string): ConfigTree {
  const copy: ConfigTree = {};
  deepMerge(copy, value, where);
  return copy;
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function setPath(tree: ConfigTree, path: readonly string[], value: unknown): void {
  if (path.length === 0 || path.some((p) => p === '')) {
    throw new ConfigFileError(`config override "${path.join('.')}" needs a path like resource.key`);
  }
  const reserved = path.find(isReserved);
  if (reserved !== undefined) {
    throw new ConfigFileError(
      `config override "${path.join('.')}" uses the reserved key "${reserved}"`,
    );
  }
  let at = tree;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[key] = {};
    at = at[key] as ConfigTree;
  }
  at[path[path.length - 1]!] = value;
}

/** Keys that would reach an object's prototype when merged: refused in every outside input. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

function isReserved(key: string): boolean {
  return RESERVED.has(key);
}

function deepMerge(into: ConfigTree, from: Readonly<ConfigTree>, where: string, path = ''): void {
  for (const [key, value] of Object.entries(from)) {
    if (isReserved(key)) {
      throw new ConfigFileError(
        `${where} uses the reserved key "${key}"${path === '' ? '' : ` at ${path}`}; config keys cannot be __proto__, constructor or prototype`,
      );
    }
    const at = path === '' ? key : `${path}.${key}`;
    const existing = into[key];
    if (isTree(value) && isTree(existing)) deepMerge(existing, value, where, at);
    else if (isTree(value)) {
      const copy: ConfigTree = {};
      deepMerge(copy, value, where, at);
      into[key] = copy;
    } else into[key] = value;
  }
}

function isTree(value: unknown): value is ConfigTree {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
