/**
 * @module
 * The run store as the commands read it: `--store <path>` (a SQLite file),
 * else the `runStore` of the mode (`--mode`, `WEFT_MODE`, else the
 * `defaultMode` of the nearest `weft.config.ts`), else the project's
 * default SQLite file (`.weft/weft.db` beside the nearest `weft.config.ts`,
 * else in the working directory). Runs are looked up by id or by a unique
 * prefix of their id.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors/usage.ts';
import type { RunRecord, RunStore } from '../store/run-store.ts';

/** How a command chooses its store: the flags every reading command has. */
export interface StoreChoice {
  /** A SQLite file (`--store`). */
  readonly store?: string | undefined;
  /** A mode whose `runStore` to read (`--mode`). */
  readonly mode?: string | undefined;
  /** Where to look for `weft.config.ts` from. @default process.cwd() */
  readonly cwd?: string | undefined;
}

/** An open store and how to let go of it. */
export interface OpenStore {
  readonly store: RunStore;
  /** Where it is, for messages (a file, or the mode's store's location). */
  readonly path: string;
  /** The SQLite file, when the store is one. */
  readonly file: string | undefined;
  /** Lets go of the store; a SQLite store stays open a moment for another user in this process. */
  release(): Promise<void>;
  /** Lets go of the store and closes it. */
  close(): Promise<void>;
}

/** The default store file: `--store`, else the project's default from `dir`. */
export async function storePath(option: string | undefined, dir = process.cwd()): Promise<string> {
  if (option !== undefined) return resolve(option);
  const [{ defaultStorePath }, { findConfigFile }] = await Promise.all([
    import('../store/store-resources.ts'),
    import('../config/load-config.ts'),
  ]);
  const config = findConfigFile(dir);
  return defaultStorePath(config === undefined ? resolve(dir) : dirname(config));
}

/**
 * Opens the store the choice names; undefined when it is a SQLite file that
 * does not exist (no run was ever recorded there), so a reading command
 * creates nothing.
 */
export async function openStore(choice: StoreChoice = {}): Promise<OpenStore | undefined> {
  const cwd = resolve(choice.cwd ?? process.cwd());
  if (choice.store === undefined) {
    const fromMode = await openModeStore(choice.mode, cwd);
    if (fromMode !== undefined) return fromMode;
  }
  const path = await storePath(choice.store, cwd);
  if (!existsSync(path)) return undefined;
  const { acquireSqliteStore } = await import('../store/store-resources.ts');
  const { store, release } = acquireSqliteStore(path);
  return {
    store,
    path,
    file: path,
    release: async () => release(),
    close: async () => {
      release();
      await store[Symbol.asyncDispose]();
    },
  };
}

/** The `runStore` resource of the chosen mode, when the mode has one. */
async function openModeStore(
  flag: string | undefined,
  cwd: string,
): Promise<OpenStore | undefined> {
  const { findConfigFile, loadConfigFile, selectMode } = await import('../config/load-config.ts');
  const file = findConfigFile(cwd);
  if (file === undefined) {
    if (flag !== undefined) {
      throw new UsageError(`--mode ${flag}: no weft.config.ts was found from ${cwd} upward`);
    }
    return undefined;
  }
  const config = await loadConfigFile(file);
  const wanted = flag ?? process.env.WEFT_MODE ?? config.defaultMode;
  if (wanted === undefined) return undefined;
  const { set, name } = selectMode(config, file, wanted);
  if (set.definitions.runStore === undefined) return undefined;
  const [{ ResourceScope }, { mergeConfig }, { silentLogger }] = await Promise.all([
    import('../resources/scope.ts'),
    import('../config/sources.ts'),
    import('../vocabulary/logger.ts'),
  ]);
  const scope = new ResourceScope({
    set,
    config: mergeConfig({ file: config.config, env: process.env }),
    runId: 'weft-cli',
    params: {},
    log: silentLogger,
  });
  try {
    const store = (await scope.ensure(['runStore'])).runStore as RunStore;
    const close = () => scope[Symbol.asyncDispose]();
    return {
      store,
      path: `${store.location} (runStore of mode ${name})`,
      file: undefined,
      release: close,
      close,
    };
  } catch (error) {
    await scope[Symbol.asyncDispose]();
    throw error;
  }
}

/** Opens the store, or fails with a usage error naming the run looked for. */
export async function openStoreFor(choice: StoreChoice, runId: string): Promise<OpenStore> {
  const opened = await openStore(choice);
  if (opened === undefined) {
    const path = await storePath(choice.store, choice.cwd);
    throw new UsageError(
      `no run "${runId}" is recorded: there is no run store at ${path} (run a workflow first, or pass --store <path>)`,
    );
  }
  return opened;
}

/** The run with this id or unique id prefix; a usage error when there is none. */
export function findRun(opened: OpenStore, idOrPrefix: string): RunRecord {
  const run = opened.store.run(idOrPrefix);
  if (run !== undefined) return run;
  const some = opened.store.runs({ limit: 3 }).map((r) => r.id);
  const hint = some.length === 0 ? '' : ` (latest: ${some.join(', ')}; see weft runs)`;
  throw new UsageError(
    `no run "${idOrPrefix}" is recorded in ${opened.path}, or the prefix matches several runs${hint}`,
  );
}

/** Runs `f` with the store open for reading, closing it afterwards. */
export async function withRun<T>(
  choice: StoreChoice,
  idOrPrefix: string,
  f: (opened: OpenStore, run: RunRecord) => T | Promise<T>,
): Promise<T> {
  const opened = await openStoreFor(choice, idOrPrefix);
  try {
    const run = findRun(opened, idOrPrefix);
    // A run handed to a batch system is brought up to date from it first.
    const { followed } = await import('./batch.ts');
    return await f(opened, await followed(opened, run));
  } finally {
    await opened.close();
  }
}

/**
 * True for a run recorded as running whose process, on this host, is gone
 * (killed, crashed): it will never close its record; `weft resume` continues it.
 */
export function isOrphaned(run: RunRecord): boolean {
  if (run.state !== 'running' || run.host !== hostname() || run.pid === process.pid) return false;
  try {
    process.kill(run.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}
