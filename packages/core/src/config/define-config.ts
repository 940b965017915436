/**
 * @module
 * `defineConfig({ modes, defaultMode, config })`: the shape of
 * `weft.config.ts`, in the style of vite and vitest.
 */

import { ConfigFileError } from '../errors/resources.ts';
import type { ExecutorChoice } from '../executor/kinds.ts';
import { isResourceSet, type ResourceSet } from '../resources/resource-set.ts';

export interface WeftConfig {
  /** Named resource sets. */
  readonly modes: Readonly<Record<string, ResourceSet>>;
  /** The mode used when neither the `mode` option nor `WEFT_MODE` names one. */
  readonly defaultMode?: string;
  /** Config values keyed by resource name, for every mode. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Overrides the chosen mode's executor (`'threads'`, `{ kind: 'processes', max: 2 }`). */
  readonly executor?: ExecutorChoice;
  /**
   * Plugins the `weft` command loads for this project, besides the `@weft/*`
   * packages its package.json declares: paths relative to this file, or
   * package names.
   */
  readonly plugins?: readonly string[];
}

/**
 * Declares a configuration file's content, checking its shape.
 * @example
 * // weft.config.ts
 * export default defineConfig({
 *   modes: { dev: resourceSet({ db: memoryDb }), prod: resourceSet({ db: sqliteDb }) },
 *   defaultMode: 'dev',
 * });
 */
export function defineConfig(config: WeftConfig): WeftConfig {
  if (
    typeof config !== 'object' ||
    config === null ||
    typeof config.modes !== 'object' ||
    config.modes === null
  ) {
    throw new ConfigFileError(
      'defineConfig() expects { modes: { name: resourceSet({...}) }, defaultMode?, config? }',
    );
  }
  for (const [name, set] of Object.entries(config.modes)) {
    if (!isResourceSet(set)) {
      throw new ConfigFileError(
        `mode "${name}" is not a resource set; make it with resourceSet({...})`,
      );
    }
  }
  if (
    config.plugins !== undefined &&
    (!Array.isArray(config.plugins) ||
      config.plugins.some((p) => typeof p !== 'string' || p === ''))
  ) {
    throw new ConfigFileError('plugins must be a list of module paths or package names');
  }
  if (config.defaultMode !== undefined && config.modes[config.defaultMode] === undefined) {
    throw new ConfigFileError(
      `defaultMode "${config.defaultMode}" is not among the modes (${Object.keys(config.modes).join(', ')})`,
    );
  }
  return config;
}
