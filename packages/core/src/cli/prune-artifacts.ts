/**
 * @module
 * The artifact side of `weft prune`: which artifact store the pruned run
 * store's results went to, which other run stores keep theirs there too,
 * and the sweep of the artifacts that no remaining record references.
 *
 * A run records its large results in its mode's `artifacts`, else in
 * `artifacts/` beside the SQLite file it records in (`--store`), else in
 * the project's `.weft/artifacts` (`coordinator/setup.ts`). That last
 * folder is shared: the default store's runs and those of every mode with
 * a `runStore` of its own but no `artifacts` keep results there, so the
 * references of all those stores are kept. Stores that share a folder
 * through explicit settings (two modes naming one `artifacts` root) are
 * not known here.
 *
 * What a run still running is about to reference must stay too: the
 * artifacts are listed before the runs are deleted (later writes are not
 * candidates), and an unreferenced artifact modified since the earliest
 * running session started (a put of content already there touches it) is
 * kept. A store that cannot say when an artifact was written (not an
 * `FsArtifactStore`) is left alone while a run is running.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { WeftConfig } from '../config/define-config.ts';
import type { ResourceSet } from '../resources/resource-set.ts';
import type { ArtifactStore } from '../store/artifact-store.ts';
import type { RunStore } from '../store/run-store.ts';
import type { OpenStore, StoreChoice } from './store.ts';

/** The artifact store to sweep and the other run stores whose runs keep results in it. */
export interface ArtifactTarget {
  readonly artifacts: ArtifactStore;
  readonly others: readonly RunStore[];
  /** Why no artifact may be deleted (another store's references cannot be read), if so. */
  readonly unsafe: string | undefined;
  close(): Promise<void>;
}

/** What a sweep deleted (or, for a dry run, would delete). */
export interface Swept {
  readonly hashes: readonly string[];
  /** Their bytes; undefined when the store cannot say. */
  readonly bytes: number | undefined;
  /** Unreferenced artifacts kept because they were written since `since`. */
  readonly recent: number;
  /** Why none was deleted, when none was for a reason. */
  readonly skipped: string | undefined;
}

/** A scope over a mode's resources, as the reading commands build one. */
async function modeScope(set: ResourceSet, config: WeftConfig) {
  const [{ ResourceScope }, { mergeConfig }, { silentLogger }] = await Promise.all([
    import('../resources/scope.ts'),
    import('../config/sources.ts'),
    import('../vocabulary/logger.ts'),
  ]);
  return new ResourceScope({
    set,
    config: mergeConfig({ file: config.config, env: process.env }),
    runId: 'weft-cli',
    params: {},
    log: silentLogger,
  });
}

/** The artifact store of the opened run store, and the run stores that share it. */
export async function artifactTarget(
  opened: OpenStore,
  choice: StoreChoice,
): Promise<ArtifactTarget> {
  const [{ findConfigFile, loadConfigFile, selectMode }, stores, { openFsArtifactStore }] =
    await Promise.all([
      import('../config/load-config.ts'),
      import('../store/store-resources.ts'),
      import('../store/fs-artifact-store.ts'),
    ]);
  const cwd = resolve(choice.cwd ?? process.cwd());
  const file = findConfigFile(cwd);
  const config = file === undefined ? undefined : await loadConfigFile(file);
  const defaultFile = stores.defaultStorePath(file === undefined ? cwd : dirname(file));
  const defaultDir = join(dirname(defaultFile), 'artifacts');
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    let artifacts: ArtifactStore | undefined;
    if (opened.file !== undefined) {
      artifacts = openFsArtifactStore(join(dirname(opened.file), 'artifacts'));
    } else if (config !== undefined && file !== undefined) {
      // A mode's runStore (openStore found one): its runs' results went to the mode's artifacts.
      const { set } = selectMode(config, file, choice.mode);
      if (set.definitions.artifacts !== undefined) {
        const scope = await modeScope(set, config);
        closers.push(() => scope[Symbol.asyncDispose]());
        artifacts = (await scope.ensure(['artifacts'])).artifacts as ArtifactStore;
      }
    }
    artifacts ??= openFsArtifactStore(defaultDir);
    const others: RunStore[] = [];
    let unsafe: string | undefined;
    if (resolve(artifacts.location) === defaultDir) {
      const seen = new Set([opened.store.location]);
      if (!seen.has(defaultFile) && existsSync(defaultFile)) {
        const { store, release } = stores.acquireSqliteStore(defaultFile);
        closers.push(release);
        others.push(store);
        seen.add(store.location);
      }
      for (const [name, set] of Object.entries(config?.modes ?? {})) {
        const defs = set.definitions;
        if (defs.runStore === undefined || defs.artifacts !== undefined) continue;
        try {
          const scope = await modeScope(set, config!);
          closers.push(() => scope[Symbol.asyncDispose]());
          const store = (await scope.ensure(['runStore'])).runStore as RunStore;
          if (!seen.has(store.location)) others.push(store);
          seen.add(store.location);
        } catch (error) {
          unsafe ??=
            `the run store of mode ${name}, whose runs keep their results there too, ` +
            `could not be opened (${(error as Error).message})`;
        }
      }
    }
    return { artifacts, others, unsafe, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Since when artifacts are kept whatever references them: the earliest
 * start of a running session of these stores, else `now`; and whether any
 * run is running.
 */
export function activity(stores: readonly RunStore[], now: number) {
  let since = now;
  let running = false;
  for (const store of stores) {
    for (const run of store.runs({ state: 'running', limit: Number.MAX_SAFE_INTEGER })) {
      running = true;
      since = Math.min(since, run.sessionStartedAt);
    }
  }
  return { since, running };
}

/** Deletes (unless `dryRun`) the artifacts of `held` that `referenced` lacks, sparing recent ones. */
export async function sweep(o: {
  readonly artifacts: ArtifactStore;
  readonly held: readonly string[];
  readonly referenced: ReadonlySet<string>;
  readonly since: number;
  readonly running: boolean;
  readonly unsafe: string | undefined;
  readonly dryRun: boolean;
}): Promise<Swept> {
  const unreferenced = o.held.filter((hash) => !o.referenced.has(hash));
  const none = (skipped: string | undefined): Swept => ({
    hashes: [],
    bytes: 0,
    recent: 0,
    skipped,
  });
  if (unreferenced.length === 0) return none(undefined);
  if (o.unsafe !== undefined) return none(o.unsafe);
  const pathOf = (o.artifacts as { pathOf?: (hash: string) => string }).pathOf;
  if (typeof pathOf !== 'function') {
    if (o.running) {
      return none('a run is running, and this artifact store cannot say when it wrote what');
    }
    if (!o.dryRun) for (const hash of unreferenced) await o.artifacts.delete(hash);
    return { hashes: unreferenced, bytes: undefined, recent: 0, skipped: undefined };
  }
  const hashes: string[] = [];
  let bytes = 0;
  let recent = 0;
  for (const hash of unreferenced) {
    const info = await stat(pathOf.call(o.artifacts, hash)).catch(() => undefined);
    if (info === undefined) continue; // deleted meanwhile, or unreadable: left alone
    if (info.mtimeMs >= o.since) {
      recent++;
      continue;
    }
    if (!o.dryRun) await o.artifacts.delete(hash);
    hashes.push(hash);
    bytes += info.size;
  }
  return { hashes, bytes, recent, skipped: undefined };
}
