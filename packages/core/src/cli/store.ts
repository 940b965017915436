/**
 * @module
 * The run store as the commands read it: `--store <path>`, else the
 * project's default (`.weft/weft.db` beside the nearest `weft.config.ts`
 * from the working directory, else in it), and runs looked up by id or by
 * a unique prefix of their id.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { findConfigFile } from '../config/load-config.ts';
import type { RunRecord, RunStore } from '../store/run-store.ts';
import { UsageError } from './errors.ts';

/** An open store and how to let go of it. */
export interface OpenStore {
  readonly store: RunStore;
  readonly path: string;
  /** Releases the store; other users in this process (a run) keep it open. */
  release(): void;
  /** Releases and closes the store (when nothing else in this process uses it). */
  close(): Promise<void>;
}

/** The store file: `--store`, else the project's default from `dir`. */
export async function storePath(option: string | undefined, dir = process.cwd()): Promise<string> {
  if (option !== undefined) return resolve(option);
  const { defaultStorePath } = await import('../store/store-resources.ts');
  const config = findConfigFile(dir);
  return defaultStorePath(config === undefined ? resolve(dir) : dirname(config));
}

/**
 * Opens the store at `path`; undefined when the file does not exist (no
 * run was ever recorded there), so a reading command creates nothing.
 */
export async function openStore(path: string): Promise<OpenStore | undefined> {
  if (!existsSync(path)) return undefined;
  const { acquireSqliteStore } = await import('../store/store-resources.ts');
  const { store, release } = acquireSqliteStore(path);
  return {
    store,
    path,
    release,
    close: async () => {
      release();
      await store[Symbol.asyncDispose]();
    },
  };
}

/** Opens the store, or fails with a usage error naming the run looked for. */
export async function openStoreFor(option: string | undefined, runId: string): Promise<OpenStore> {
  const path = await storePath(option);
  const opened = await openStore(path);
  if (opened === undefined) {
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
  option: string | undefined,
  idOrPrefix: string,
  f: (opened: OpenStore, run: RunRecord) => T | Promise<T>,
): Promise<T> {
  const opened = await openStoreFor(option, idOrPrefix);
  try {
    return await f(opened, findRun(opened, idOrPrefix));
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
