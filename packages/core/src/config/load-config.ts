/**
 * @module
 * Finding and loading `weft.config.ts` (or `.mts`, `.js`, `.mjs`): the
 * nearest one from a directory upward. TypeScript loads through Node's own
 * type stripping.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigFileError } from '../errors/resources.ts';
import type { ResourceSet } from '../resources/resource-set.ts';
import { defineConfig, type WeftConfig } from './define-config.ts';

const NAMES = ['weft.config.ts', 'weft.config.mts', 'weft.config.js', 'weft.config.mjs'];

/** The path of the nearest configuration file from `dir` upward, if any. */
export function findConfigFile(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    for (const name of NAMES) {
      const path = join(at, name);
      if (existsSync(path)) return path;
    }
    if (dirname(at) === at) return undefined;
  }
}

/** Loads a configuration file; its default export must be a `defineConfig({...})` object. */
export async function loadConfigFile(path: string): Promise<WeftConfig> {
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new ConfigFileError(
      `could not load ${path}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  if (module.default === undefined) {
    throw new ConfigFileError(
      `${path} has no default export; write export default defineConfig({ modes: {...} })`,
    );
  }
  try {
    return defineConfig(module.default as WeftConfig);
  } catch (error) {
    throw new ConfigFileError(`${path}: ${(error as Error).message}`);
  }
}

/** The mode's resource set: by name, else `WEFT_MODE`, else the file's default. */
export function selectMode(
  config: WeftConfig,
  path: string,
  mode: string | undefined,
): { name: string; set: ResourceSet } {
  const name = mode ?? process.env.WEFT_MODE ?? config.defaultMode;
  const names = Object.keys(config.modes);
  if (name === undefined) {
    throw new ConfigFileError(
      `${path} has no defaultMode; choose a mode with the mode option or WEFT_MODE (modes: ${names.join(', ')})`,
    );
  }
  const set = config.modes[name];
  if (set === undefined) {
    throw new ConfigFileError(
      `mode "${name}" is not defined in ${path} (modes: ${names.join(', ')})`,
    );
  }
  return { name, set };
}
