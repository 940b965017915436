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
  deepMerge(out, sources.file ?? {});
  deepMerge(out, sources.options ?? {});
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
    deepMerge(out, parsed as ConfigTree);
  }
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('WEFT__') && value !== undefined)
      setPath(out, key.slice(6).split('__'), parseValue(value));
  }
  for (const [path, value] of Object.entries(sources.overrides ?? {})) {
    setPath(out, path.split('.'), typeof value === 'string' ? parseValue(value) : value);
  }
  return out;
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
  if (path.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    throw new ConfigFileError(`config override "${path.join('.')}" uses a reserved key`);
  }
  let at = tree;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[key] = {};
    at = at[key] as ConfigTree;
  }
  at[path[path.length - 1]!] = value;
}

function deepMerge(into: ConfigTree, from: Readonly<ConfigTree>): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (isTree(value) && isTree(existing)) deepMerge(existing, value);
    else if (isTree(value)) {
      const copy: ConfigTree = {};
      deepMerge(copy, value);
      into[key] = copy;
    } else into[key] = value;
  }
}

function isTree(value: unknown): value is ConfigTree {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
