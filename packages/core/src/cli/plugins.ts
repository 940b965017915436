/**
 * @module
 * Which plugins the `weft` command loads, and from where. A plugin runs code
 * in the command's process, so only what the project asks for is loaded:
 *
 * - packages named `@weft/*` that the project's `package.json` (the nearest
 *   one from the working directory) declares among its dependencies, dev,
 *   optional or peer dependencies, and whose own `package.json` names a
 *   plugin module (`"weft": { "plugin": "./dist/plugin.js" }`);
 * - the modules listed in `plugins` of the nearest `weft.config.ts`: paths
 *   relative to it, or package names.
 *
 * A package is found as Node finds it (`node_modules` from the project's
 * directory upward); a plugin module must lie inside its package (or, for a
 * path in `plugins`, inside the config file's directory), after symlinks are
 * resolved. Nothing merely present in `node_modules` is loaded.
 * `WEFT_NO_PLUGINS=1` loads none.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors/usage.ts';
import { usePlugin, type WeftPlugin } from './plugin.ts';

/** A plugin module to load, and who asked for it. */
export interface PluginSource {
  /** The package name, or the path as written in `plugins`. */
  readonly name: string;
  /** The module's absolute path. */
  readonly file: string;
  /** `package.json` or `weft.config.ts`, for messages. */
  readonly declaredIn: string;
}

interface PackageJson {
  readonly name?: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly weft?: { readonly plugin?: unknown };
}

function readJson(path: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

function nearest(dir: string, file: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const candidate = join(d, file);
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep));
}

/** The directory of package `name` as Node resolves it from `dir` (node_modules upward). */
function packageDir(name: string, dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', ...name.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

/** The plugin module a package names, confined to the package; undefined when it names none. */
function pluginOfPackage(name: string, from: string, declaredIn: string): PluginSource | undefined {
  const dir = packageDir(name, from);
  if (dir === undefined) return undefined; // declared but not installed: npm says so
  const pkg = readJson(join(dir, 'package.json'));
  const entry = pkg?.weft?.plugin;
  if (entry === undefined) return undefined;
  if (typeof entry !== 'string') {
    throw new UsageError(`plugin ${name}: "weft.plugin" in its package.json must be a path`);
  }
  const root = realpathSync(dir);
  const file = resolve(root, entry);
  if (!inside(root, file) || !existsSync(file) || !inside(root, realpathSync(file))) {
    throw new UsageError(
      `plugin ${name}: its module ${entry} is not a file inside the package (${root}); refusing to load it`,
    );
  }
  return { name, file: realpathSync(file), declaredIn };
}

/** The plugins the project at `cwd` asks for; see the module. */
export function findPlugins(
  cwd: string,
  configPlugins?: {
    readonly file: string;
    readonly plugins: readonly unknown[];
  },
): PluginSource[] {
  const found = new Map<string, PluginSource>();
  const manifest = nearest(cwd, 'package.json');
  const pkg = manifest === undefined ? undefined : readJson(manifest);
  if (manifest !== undefined && pkg !== undefined) {
    const names = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.devDependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
    ]);
    for (const name of [...names].sort()) {
      if (!name.startsWith('@weft/') || name === '@weft/core' || name === pkg.name) continue;
      const source = pluginOfPackage(name, dirname(manifest), manifest);
      if (source !== undefined) found.set(source.file, source);
    }
  }
  if (configPlugins !== undefined) {
    const base = dirname(configPlugins.file);
    for (const spec of configPlugins.plugins) {
      if (typeof spec !== 'string' || spec === '') {
        throw new UsageError(
          `${configPlugins.file}: plugins must be a list of module paths or package names`,
        );
      }
      let source: PluginSource | undefined;
      if (spec.startsWith('.') || isAbsolute(spec)) {
        const file = resolve(base, spec);
        const root = realpathSync(base);
        if (!existsSync(file) || !inside(root, realpathSync(file))) {
          throw new UsageError(
            `${configPlugins.file}: plugin ${spec} is not a file inside ${root}; refusing to load it`,
          );
        }
        source = { name: spec, file: realpathSync(file), declaredIn: configPlugins.file };
      } else {
        source = pluginOfPackage(spec, base, configPlugins.file);
        if (source === undefined) {
          throw new UsageError(
            `${configPlugins.file}: plugin ${spec} is not installed, or its package.json names no "weft.plugin" module`,
          );
        }
      }
      found.set(source.file, source);
    }
  }
  return [...found.values()];
}

/** Imports each plugin module and registers its default export; returns the loaded plugins. */
export async function loadPlugins(
  sources: readonly PluginSource[],
  warn: (text: string) => void,
): Promise<WeftPlugin[]> {
  const loaded: WeftPlugin[] = [];
  for (const source of sources) {
    try {
      const module = (await import(pathToFileURL(source.file).href)) as { default?: unknown };
      const plugin = module.default as WeftPlugin | undefined;
      if (typeof plugin !== 'object' || plugin === null) {
        throw new UsageError('its module has no default export made with definePlugin()');
      }
      await usePlugin(plugin);
      loaded.push(plugin);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      warn(`weft: plugin ${source.name} (${source.file}) could not be loaded: ${message}\n`);
    }
  }
  return loaded;
}
