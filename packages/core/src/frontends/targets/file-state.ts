/**
 * @module
 * Files as one plan sees them: each path is `stat`ed at most once, and its
 * content hash comes from its recorded stamp when that still holds (see
 * `stampHolds`), else from reading it (and the new stamp is recorded).
 */
import { type Stats, statSync } from 'node:fs';
import type { BuildLog } from './build-log.ts';
import { stampFile } from './files.ts';

/** What a directory hashes as: it is there; its content is not followed. */
const DIRECTORY = 'directory';

export class FileState {
  readonly #log: BuildLog;
  readonly #stats = new Map<string, Stats | null>();
  readonly #hashes = new Map<string, string | null>();

  constructor(log: BuildLog) {
    this.#log = log;
  }

  stat(path: string): Stats | undefined {
    let st = this.#stats.get(path);
    if (st === undefined) {
      st = statSync(path, { throwIfNoEntry: false }) ?? null;
      this.#stats.set(path, st);
    }
    return st ?? undefined;
  }

  exists(path: string): boolean {
    const known = this.#hashes.get(path);
    return known === undefined ? this.stat(path) !== undefined : known !== null;
  }

  /** The file's content hash now, or undefined when it does not exist (or cannot be read). */
  hash(path: string): string | undefined {
    const known = this.#hashes.get(path);
    if (known !== undefined) return known ?? undefined;
    const st = this.stat(path);
    let hash: string | null = null;
    if (st !== undefined) {
      if (st.isDirectory()) hash = DIRECTORY;
      else {
        const recorded = this.#log.holdingHash(path, st);
        if (recorded !== undefined) hash = recorded;
        else {
          try {
            const stamp = stampFile(path);
            this.#log.setFile(path, stamp);
            hash = stamp[4];
          } catch {
            hash = null;
          }
        }
      }
    }
    this.#hashes.set(path, hash);
    // The hash is what is asked for from now on: the stat need not stay in memory.
    this.#stats.delete(path);
    return hash ?? undefined;
  }

  /** Forgets what is known of `path` (a step rewrote it). */
  forget(path: string): void {
    this.#stats.delete(path);
    this.#hashes.delete(path);
  }
}
