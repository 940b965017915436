/**
 * @module
 * What a plugin adds to weft: commands of the `weft` command line, executor
 * kinds, and its error classes. A plugin is a plain object (`definePlugin`),
 * the default export of the module its package names in `package.json`
 * (`"weft": { "plugin": "./dist/plugin.js" }`); the CLI loads it (see
 * `plugins.ts` for which are loaded) and `usePlugin` registers its parts, as
 * code that runs workflows without the CLI can do itself.
 */
import type { ErrorClass } from '../errors/catalogue.ts';
import { registerErrorClasses } from '../errors/deserialize.ts';
import { InvalidOptionError } from '../errors/run.ts';
import type { ExecutorFactory } from '../executor/kinds.ts';
import { processGlobal } from '../util/process-global.ts';
import type { OpenStore, StoreChoice } from './store.ts';

/** An argument of a command. */
export interface CommandArgument {
  readonly name: string;
  readonly description: string;
  /** @default false */
  readonly optional?: boolean;
  /** Takes all remaining arguments. @default false */
  readonly variadic?: boolean;
}

/** An option of a command, in commander's syntax (`-c, --concurrency <n>`, `--json`). */
export interface CommandOption {
  readonly flags: string;
  readonly description: string;
  readonly default?: unknown;
  readonly choices?: readonly string[];
  /** Turns the option's text into its value (and may throw to refuse it). */
  readonly parse?: (value: string, previous: unknown) => unknown;
}

/** What a command's `run` receives. */
export interface CommandContext {
  /** The arguments, in order (a variadic one as an array). */
  readonly args: readonly unknown[];
  /** The options by their camel-cased long name. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly cwd: string;
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Opens the run store as the reading commands do (`--store`, the mode's `runStore`, the default). */
  openStore(choice?: StoreChoice): Promise<OpenStore | undefined>;
}

/** A command of the `weft` command line. */
export interface CommandDefinition {
  /** Its name: `weft <name>`. */
  readonly name: string;
  /** One line for `weft --help`. */
  readonly description: string;
  readonly arguments?: readonly CommandArgument[];
  readonly options?: readonly CommandOption[];
  /** Shown after the options in `weft <name> --help`. */
  readonly examples?: string;
  /**
   * Runs the command; resolves with its exit code (0 ok, 1 failed, 2 usage).
   * A `UsageError` it throws exits 2 with its message.
   */
  run(ctx: CommandContext): Promise<number>;
}

/** A plugin: its parts, registered by `usePlugin`. */
export interface WeftPlugin {
  /** Its package name: `@weft/queue`. */
  readonly name: string;
  readonly commands?: readonly CommandDefinition[];
  /** Executor kinds by name, for `executor: { kind }` and `--executor`. */
  readonly executors?: Readonly<Record<string, ExecutorFactory>>;
  /** Its error classes by code, so they cross processes as themselves. */
  readonly errors?: Readonly<Record<string, ErrorClass>>;
}

/** The names of the commands weft has of its own. */
export const BUILT_IN_COMMANDS: ReadonlySet<string> = new Set([
  'run',
  'submit',
  'exec',
  'resume',
  'rerun',
  'runs',
  'show',
  'logs',
  'cancel',
  'graph',
  'export',
  'cache',
  'prune',
  'build',
  'help',
]);

const commands = processGlobal('weft.commands', () => new Map<string, CommandDefinition>());
const used = processGlobal('weft.plugins', () => new Map<string, WeftPlugin>());

/**
 * Checks a plugin's shape and returns it (the default export of a plugin module).
 * @example
 * export default definePlugin({ name: '@weft/queue', commands: [worker], executors: { queue: make } });
 */
export function definePlugin(plugin: WeftPlugin): WeftPlugin {
  if (typeof plugin !== 'object' || plugin === null || typeof plugin.name !== 'string') {
    throw new InvalidOptionError('definePlugin() needs an object with a name');
  }
  for (const c of plugin.commands ?? []) checkCommand(c, plugin.name);
  for (const [kind, f] of Object.entries(plugin.executors ?? {})) {
    if (typeof f !== 'function') {
      throw new InvalidOptionError(
        `plugin ${plugin.name}: executor kind "${kind}" needs a factory function`,
      );
    }
  }
  return plugin;
}

/** Registers a plugin's commands, executor kinds and errors; once per plugin name. */
export async function usePlugin(plugin: WeftPlugin): Promise<void> {
  if (used.get(plugin.name) === plugin) return;
  definePlugin(plugin);
  for (const c of plugin.commands ?? []) registerCommand(c);
  const kinds = Object.entries(plugin.executors ?? {});
  if (kinds.length > 0) {
    // Loaded only when needed: the executors are heavy for `weft --help`.
    const { registerExecutorKind } = await import('../executor/kinds.ts');
    for (const [kind, factory] of kinds) registerExecutorKind(kind, factory);
  }
  if (plugin.errors !== undefined) registerErrorClasses(plugin.errors);
  used.set(plugin.name, plugin);
}

/** Adds a command to `weft`; a built-in name, or a name another command took, is refused. */
export function registerCommand(command: CommandDefinition): void {
  checkCommand(command, 'registerCommand');
  const name = command.name;
  if (BUILT_IN_COMMANDS.has(name)) {
    throw new InvalidOptionError(`weft ${name} is a built-in command; a plugin cannot replace it`);
  }
  const known = commands.get(name);
  if (known !== undefined && known !== command) {
    throw new InvalidOptionError(`weft ${name} is already registered by another plugin`);
  }
  commands.set(name, command);
}

/** The commands plugins registered, by name. */
export function registeredCommands(): CommandDefinition[] {
  return [...commands.values()];
}

function checkCommand(c: CommandDefinition, by: string): void {
  if (typeof c !== 'object' || c === null || typeof c.run !== 'function') {
    throw new InvalidOptionError(`${by}: a command needs a name, a description and run()`);
  }
  if (typeof c.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(c.name)) {
    throw new InvalidOptionError(
      `${by}: command name ${JSON.stringify(c.name)} must be lowercase letters, digits and dashes`,
    );
  }
  if (typeof c.description !== 'string' || c.description === '') {
    throw new InvalidOptionError(`${by}: command ${c.name} needs a description`);
  }
}
