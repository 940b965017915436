/**
 * @module
 * The artifact store seam: content-addressed bytes and files. Results too
 * large to keep in the run store, and files produced by command tasks, are
 * kept here and named by the hash of their content. The embedded default
 * keeps them under `.weft/artifacts/`; other implementations (S3, a shared
 * filesystem) may follow.
 *
 * Contract (checked by `runArtifactStoreContract` in `@weft/core/testing`):
 * - `put(bytes)` and `putFile(path)` store content and return its hash
 *   (SHA-256, lowercase hex, 64 characters); storing the same content twice
 *   returns the same hash and keeps one copy. Writes are atomic: a reader
 *   never sees part of an artifact (temp file, then rename), and a crash
 *   leaves no half-written artifact under its hash.
 * - `get(hash)` returns the bytes, or undefined when absent; `has(hash)`
 *   says whether it is there; `copyTo(hash, path)` writes it to `path`
 *   (creating directories), atomically; it throws `ArtifactMissingError`
 *   when absent.
 * - A hash that is not 64 lowercase hex characters is refused with
 *   `InvalidArtifactHashError` before any filesystem access: no key can name
 *   a path outside the store's root.
 * - `get` checks what it read against its hash when `verify` is set, and an
 *   artifact whose content does not match is reported as absent.
 * - `delete(hash)` removes it (no error when absent).
 * - `list()` returns the hash of every artifact held, once each, sorted:
 *   what a garbage collector compares with what the run store references.
 *   A write under way is not listed until it is whole (as `get` sees it).
 */

export interface ArtifactStore {
  /** Where the store lives, for messages. */
  readonly location: string;
  put(bytes: Uint8Array): Promise<string>;
  putFile(path: string): Promise<string>;
  get(hash: string, options?: { readonly verify?: boolean }): Promise<Uint8Array | undefined>;
  /** Synchronous read, for the run's cache lookups. */
  getSync(hash: string): Uint8Array | undefined;
  has(hash: string): Promise<boolean>;
  copyTo(hash: string, path: string): Promise<void>;
  delete(hash: string): Promise<void>;
  /** Every artifact's hash, sorted. */
  list(): Promise<string[]>;
}
