/**
 * @module
 * The stores as resources (roles `runStore` and `artifacts`), and where the
 * embedded defaults live: `.weft/weft.db` and `.weft/artifacts/` in the
 * directory of the nearest `weft.config.ts`, else the working directory.
 *
 * A SQLite store is opened once per process and file and shared by the
 * runs that use it (its writer runs in a worker thread); it closes a few
 * seconds after the last of them ends.
 */
import { join, resolve } from 'node:path';
import { makeDefinition, type ResourceDefinition } from '../resources/resource.ts';
import { processGlobal } from '../util/process-global.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { openFsArtifactStore } from './fs-artifact-store.ts';
import { createMemoryRunStore } from './memory-run-store.ts';
import type { RunStore } from './run-store.ts';
import { openSqliteRunStore } from './sqlite/sqlite-run-store.ts';

/** The directory of weft's own files for a project. */
export function weftDir(projectDir: string): string {
  return join(projectDir, '.weft');
}

/** Where the default SQLite store of a project lives. */
export function defaultStorePath(projectDir: string): string {
  return join(weftDir(projectDir), 'weft.db');
}

interface Shared {
  readonly store: RunStore;
  users: number;
  timer: NodeJS.Timeout | undefined;
}

const IDLE_CLOSE_MS = 3000;

const shared = processGlobal('weft.sqliteStores', () => new Map<string, Shared>());

/**
 * The SQLite store at `path`, shared within this process; call the returned
 * release function when done with it.
 */
export function acquireSqliteStore(path: string): { store: RunStore; release: () => void } {
  const file = resolve(path);
  let entry = shared.get(file);
  if (entry === undefined) {
    entry = { store: openSqliteRunStore(file), users: 0, timer: undefined };
    shared.set(file, entry);
  }
  const e = entry;
  e.users++;
  if (e.timer !== undefined) clearTimeout(e.timer);
  e.timer = undefined;
  let released = false;
  return {
    store: e.store,
    release: () => {
      if (released) return;
      released = true;
      if (--e.users > 0) return;
      e.timer = setTimeout(() => {
        if (e.users > 0) return;
        shared.delete(file);
        void e.store[Symbol.asyncDispose]();
      }, IDLE_CLOSE_MS);
      e.timer.unref();
    },
  };
}

/**
 * The embedded run store: SQLite at `path` (relative paths from the working directory).
 * @example
 * defineConfig({ modes: { prod: { runStore: sqliteRunStore({ path: '/data/weft.db' }) } } });
 */
export function sqliteRunStore(options: { readonly path: string }): ResourceDefinition<RunStore> {
  return makeDefinition<RunStore>(
    {
      create: () => {
        const { store, release } = acquireSqliteStore(options.path);
        return { value: store, dispose: release };
      },
    },
    undefined,
  );
}

/** A run store in memory: for tests and throwaway runs; nothing outlives the process. */
export function memoryRunStore(): ResourceDefinition<RunStore> {
  return makeDefinition<RunStore>(
    { processSafe: false, create: () => createMemoryRunStore() },
    undefined,
  );
}

/** The embedded artifact store: files under `root`, named by the hash of their content. */
export function fsArtifacts(options: { readonly root: string }): ResourceDefinition<ArtifactStore> {
  return makeDefinition<ArtifactStore>(
    { create: () => openFsArtifactStore(resolve(options.root)) },
    undefined,
  );
}
