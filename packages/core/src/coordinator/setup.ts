/**
 * @module
 * Everything a run settles before its main function starts: which resource
 * set (given, or a mode of the nearest `weft.config.ts`), which executor,
 * the merged config, and the checks that must fail before any task runs (a
 * missing resource, a dependency cycle, a config that fails its schema).
 */

import { dirname, join, resolve } from 'node:path';
import type { WeftConfig } from '../config/define-config.ts';
import { findConfigFile, loadConfigFile, selectMode } from '../config/load-config.ts';
import { mergeConfig } from '../config/sources.ts';
import { ConfigFileError, ResourceSetError } from '../errors/resources.ts';
import { executorDefinition } from '../executor/choice.ts';
import { type Executor, isExecutor } from '../executor/executor.ts';
import { type ExecutorChoice, inline } from '../executor/kinds.ts';
import { type ResourceSet, resourceSet, withResource } from '../resources/resource-set.ts';
import { ResourceScope } from '../resources/scope.ts';
import type { ResourceSource } from '../resources/source.ts';
import type { ArtifactStore } from '../store/artifact-store.ts';
import type { RunStore } from '../store/run-store.ts';
import {
  defaultStorePath,
  fsArtifacts,
  memoryRunStore,
  sqliteRunStore,
} from '../store/store-resources.ts';
import type { Logger } from '../vocabulary/logger.ts';
import { gateExecutor } from './resource-gate.ts';

/** The part of the run options that setup reads. */
export interface SetupOptions {
  readonly resources?: ResourceSet;
  readonly mode?: string;
  readonly cwd?: string;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly set?: Readonly<Record<string, unknown>>;
  readonly executor?: ExecutorChoice;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly store?: string;
  readonly record?: boolean;
}

export interface PreparedRun {
  readonly scope: ResourceScope;
  /** The executor as the scheduler uses it (creating tasks' resources on first use). */
  readonly executor: Executor;
  /** The set's `logger` resource, if it has one. */
  readonly logger: Logger | undefined;
  /** The mode's name, when a mode was loaded from a config file. */
  readonly mode: string | undefined;
  /** Where workers rebuild tasks' resources: only for a mode of a config file. */
  readonly source: ResourceSource | undefined;
  /** Where the run is remembered; undefined for a run not recorded. */
  readonly store: RunStore | undefined;
  readonly artifacts: ArtifactStore | undefined;
}

const EMPTY: ResourceSet = resourceSet({});

/** Settles the run's resources and executor; on failure, disposes what it made and throws. */
export async function prepareRun(
  options: SetupOptions,
  runId: string,
  log: Logger,
): Promise<PreparedRun> {
  let set = options.resources ?? EMPTY;
  let file: WeftConfig | undefined;
  let mode: string | undefined;
  let configFile: string | undefined;
  if (options.resources === undefined && (options.mode !== undefined || process.env.WEFT_MODE)) {
    const dir = options.cwd ?? process.cwd();
    const path = findConfigFile(dir);
    if (path === undefined) {
      throw new ConfigFileError(
        `mode "${options.mode ?? process.env.WEFT_MODE}" was asked for, but no weft.config.ts was found from ${dir} upward`,
      );
    }
    file = await loadConfigFile(path);
    configFile = path;
    const chosen = selectMode(file, path, options.mode);
    set = chosen.set;
    mode = chosen.name;
  }
  const choice = options.executor ?? file?.executor;
  let external: Executor | undefined;
  if (choice !== undefined) {
    if (isExecutor(choice)) external = choice;
    else set = withResource(set, 'executor', executorDefinition(choice));
  } else if (set.definitions.executor === undefined) {
    set = withResource(set, 'executor', inline());
  }
  // The embedded stores, in .weft/ beside weft.config.ts (else in the working directory).
  const cwd = resolve(options.cwd ?? process.cwd());
  const nearest = configFile ?? findConfigFile(cwd);
  const project = nearest !== undefined ? dirname(nearest) : cwd;
  const storeFile =
    options.store === undefined ? defaultStorePath(project) : resolve(options.store);
  const record = options.record !== false;
  if (record && set.definitions.runStore === undefined) {
    set = withResource(
      set,
      'runStore',
      process.env.WEFT_STORE === 'memory' ? memoryRunStore() : sqliteRunStore({ path: storeFile }),
    );
  }
  if (record && set.definitions.artifacts === undefined) {
    set = withResource(
      set,
      'artifacts',
      fsArtifacts({ root: join(dirname(storeFile), 'artifacts') }),
    );
  }
  const config = mergeConfig({
    file: file?.config,
    options: options.config,
    env: process.env,
    overrides: options.set,
  });
  const params = options.params ?? {};
  const source =
    configFile === undefined || mode === undefined
      ? undefined
      : { configFile, mode, config, params, runId };
  const scope = new ResourceScope({ set, config, runId, params, log });
  try {
    await scope.validateAll();
    const executor = external ?? ((await scope.ensure(['executor'])).executor as Executor);
    if (!isExecutor(executor)) {
      throw new ResourceSetError(
        'resource "executor" did not create an executor (an object with name, capacity and run)',
      );
    }
    const logger = scope.has('logger')
      ? ((await scope.ensure(['logger'])).logger as Logger)
      : undefined;
    const stores = record ? await scope.ensure(['runStore', 'artifacts']) : {};
    return {
      scope,
      executor: gateExecutor(executor, scope, source),
      logger,
      mode,
      source,
      store: stores.runStore as RunStore | undefined,
      artifacts: stores.artifacts as ArtifactStore | undefined,
    };
  } catch (error) {
    await scope[Symbol.asyncDispose]();
    throw error;
  }
}
