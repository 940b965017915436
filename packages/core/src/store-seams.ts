/**
 * @module
 * `@weft/core/store`: the run store and artifact store seams (their
 * contracts are in `store/run-store.ts` and `store/artifact-store.ts`;
 * `@weft/core/testing` has their conformance suites), the implementations
 * weft ships, the fold of task events into task records that every run store
 * shares, and how results are encoded.
 */

export { assertArtifactHash } from './store/artifact-errors.ts';
export type { ArtifactStore } from './store/artifact-store.ts';
export { attemptsOf } from './store/attempts.ts';
export { FsArtifactStore, openFsArtifactStore } from './store/fs-artifact-store.ts';
export { createMemoryRunStore, MemoryRunStore } from './store/memory-run-store.ts';
export { decodeResult, encodeResult, INLINE_LIMIT, MISSING } from './store/result-codec.ts';
export type * from './store/run-store.ts';
export {
  openSqliteRunStore,
  SqliteRunStore,
  type SqliteRunStoreOptions,
} from './store/sqlite/sqlite-run-store.ts';
export {
  acquireSqliteStore,
  defaultStorePath,
  fsArtifacts,
  memoryRunStore,
  sqliteRunStore,
} from './store/store-resources.ts';
export { countsByState, INTERRUPTED, TaskFold } from './store/task-fold.ts';
