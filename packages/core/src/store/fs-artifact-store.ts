/**
 * @module
 * The embedded artifact store: content-addressed files under a root folder,
 * `<root>/<first 2 hex>/<remaining 62 hex>`, like git's loose objects.
 *
 * Every write goes to a new file in `<root>/tmp/` (on the same filesystem),
 * is flushed to disk, then renamed to its hash: a reader sees the whole
 * artifact or none, and a crash leaves at most a stray file in `tmp/`, which
 * no hash names. When the artifact is already there the new copy is dropped,
 * so the same content is kept once, and the one there gets a new
 * modification time: a collector that spares recently written artifacts
 * (`weft prune`) spares it too, as a run that is about to reference it
 * needs. Directories are made on demand; opening a store touches nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { ArtifactMissingError } from '../errors/store.ts';
import { hashBytes } from '../util/hash.ts';
import { assertArtifactHash } from './artifact-errors.ts';
import type { ArtifactStore } from './artifact-store.ts';

/** `putFile` copies in chunks of this size. */
const CHUNK = 1 << 20;
/** The names of the folders under the root, and of the files in them. */
const PREFIX = /^[0-9a-f]{2}$/;
const REST = /^[0-9a-f]{62}$/;

/** An artifact store in a local (or shared) folder. */
export class FsArtifactStore implements ArtifactStore {
  /** The store's root folder, absolute. */
  readonly location: string;
  readonly #tmp: string;
  /** Puts under way in this process, by hash: the same content is written once. */
  readonly #writing = new Map<string, Promise<string>>();

  constructor(root: string) {
    this.location = path.resolve(root);
    this.#tmp = path.join(this.location, 'tmp');
  }

  /**
   * The file that holds (or would hold) an artifact; throws
   * `InvalidArtifactHashError` for a key that is not a hash.
   */
  pathOf(hash: string): string {
    assertArtifactHash(hash);
    return path.join(this.location, hash.slice(0, 2), hash.slice(2));
  }

  /** Stores bytes (which must not change until the promise settles) and returns their hash. */
  put(bytes: Uint8Array): Promise<string> {
    const hash = hashBytes(bytes);
    const under = this.#writing.get(hash);
    if (under !== undefined) return under;
    const writing = this.#putBytes(hash, bytes).finally(() => this.#writing.delete(hash));
    this.#writing.set(hash, writing);
    return writing;
  }

  async #putBytes(hash: string, bytes: Uint8Array): Promise<string> {
    const target = this.pathOf(hash);
    if ((await isFile(target)) && (await touch(target))) return hash;
    const temp = await this.#tempFile();
    try {
      const handle = await fsp.open(temp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await commit(temp, target);
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
    return hash;
  }

  /** Stores a file's content, read in chunks through the hash, and returns its hash. */
  async putFile(file: string): Promise<string> {
    const source = await fsp.open(file, 'r');
    let temp: string | undefined;
    try {
      temp = await this.#tempFile();
      const hasher = createHash('sha256');
      const out = await fsp.open(temp, 'wx');
      try {
        const buffer = Buffer.allocUnsafe(CHUNK);
        for (;;) {
          const { bytesRead } = await source.read(buffer, 0, CHUNK, null);
          if (bytesRead === 0) break;
          const chunk = buffer.subarray(0, bytesRead);
          hasher.update(chunk);
          let written = 0;
          while (written < bytesRead) {
            written += (await out.write(chunk, written, bytesRead - written)).bytesWritten;
          }
        }
        await out.datasync();
      } finally {
        await out.close();
      }
      const hash = hasher.digest('hex');
      await commit(temp, this.pathOf(hash));
      return hash;
    } catch (error) {
      if (temp !== undefined) await fsp.rm(temp, { force: true });
      throw error;
    } finally {
      await source.close();
    }
  }

  /**
   * The artifact's bytes, or undefined when absent. With `verify`, the bytes
   * are hashed again; an artifact that does not match is reported absent and
   * removed, so that the next `put` of its content stores it afresh.
   */
  async get(
    hash: string,
    options?: { readonly verify?: boolean },
  ): Promise<Uint8Array | undefined> {
    const file = this.pathOf(hash);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
    let bytes: Buffer;
    let ino: number | undefined;
    try {
      bytes = await handle.readFile();
      if (options?.verify) ino = (await handle.stat()).ino;
    } finally {
      await handle.close();
    }
    if (ino !== undefined && hashBytes(bytes) !== hash) {
      await discard(file, ino);
      return undefined;
    }
    return asUint8Array(bytes);
  }

  /** `get` without `verify`, synchronously. */
  getSync(hash: string): Uint8Array | undefined {
    const file = this.pathOf(hash);
    try {
      return asUint8Array(fs.readFileSync(file));
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  async has(hash: string): Promise<boolean> {
    return isFile(this.pathOf(hash));
  }

  /**
   * Writes the artifact to `dest` (making its folder) through a temp file
   * beside it, so `dest` is never seen half-written; throws
   * `ArtifactMissingError` when the artifact is absent.
   */
  async copyTo(hash: string, dest: string): Promise<void> {
    const source = this.pathOf(hash);
    const target = path.resolve(dest);
    const dir = path.dirname(target);
    await fsp.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(target)}.${process.pid}-${randomUUID()}.tmp`);
    try {
      await fsp.copyFile(source, temp, fs.constants.COPYFILE_FICLONE);
    } catch (error) {
      await fsp.rm(temp, { force: true });
      if (isAbsent(error) && !(await isFile(source))) {
        throw new ArtifactMissingError(hash, this.location);
      }
      throw error;
    }
    try {
      await fsp.rename(temp, target);
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
  }

  /** Removes the artifact; nothing happens when it is absent. */
  async delete(hash: string): Promise<void> {
    try {
      await fsp.unlink(this.pathOf(hash));
    } catch (error) {
      if (!isAbsent(error)) throw error;
    }
  }

  /**
   * The hashes of the artifacts held, sorted. Files in `tmp/` (writes under
   * way, or left by a crash) and anything else that is not named by a hash
   * are not artifacts.
   */
  async list(): Promise<string[]> {
    const hashes: string[] = [];
    for (const dir of await entries(this.location)) {
      if (!dir.isDirectory() || !PREFIX.test(dir.name)) continue;
      for (const file of await entries(path.join(this.location, dir.name))) {
        if (file.isFile() && REST.test(file.name)) hashes.push(dir.name + file.name);
      }
    }
    return hashes.sort();
  }

  /** A new, unused path in `<root>/tmp/`. */
  async #tempFile(): Promise<string> {
    await fsp.mkdir(this.#tmp, { recursive: true });
    return path.join(this.#tmp, `${process.pid}-${randomUUID()}`);
  }
}

/**
 * Opens (without touching the disk) the artifact store rooted at `root`.
 * @example
 * const store = openFsArtifactStore('.weft/artifacts');
 * const hash = await store.put(new TextEncoder().encode('hello'));
 * await store.copyTo(hash, 'out/hello.txt');
 */
export function openFsArtifactStore(root: string): FsArtifactStore {
  return new FsArtifactStore(root);
}

/** Moves a finished temp file to its hash's path, or drops it when that is already there. */
async function commit(temp: string, target: string): Promise<void> {
  await fsp.mkdir(path.dirname(target), { recursive: true });
  if ((await isFile(target)) && (await touch(target))) {
    await fsp.rm(temp, { force: true });
    return;
  }
  try {
    // Atomic; if another writer got there first, it replaces the same content.
    await fsp.rename(temp, target);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    // Windows refuses to replace a file that is open: the content is there all the same.
    if (!(await isFile(target))) throw error;
  }
}

/** Removes a corrupted artifact, unless another writer has replaced it since it was read. */
async function discard(file: string, ino: number): Promise<void> {
  try {
    if ((await fsp.stat(file)).ino === ino) await fsp.unlink(file);
  } catch (error) {
    if (!isAbsent(error)) throw error;
  }
}

/**
 * Gives an artifact that was put again the time of now; false when it is
 * gone meanwhile (deleted by a collector), so that it is written afresh.
 */
async function touch(file: string): Promise<boolean> {
  const now = new Date();
  try {
    await fsp.utimes(file, now, now);
    return true;
  } catch (error) {
    // Another user's file (EPERM): it is there, which is what counts.
    return !isAbsent(error);
  }
}

/** The entries of a folder; none when it does not exist. */
async function entries(dir: string): Promise<fs.Dirent[]> {
  try {
    return await fsp.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isAbsent(error)) return [];
    throw error;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fsp.stat(file)).isFile();
  } catch (error) {
    if (isAbsent(error)) return false;
    throw error;
  }
}

function isAbsent(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A plain Uint8Array over a Buffer's bytes (no copy). */
function asUint8Array(bytes: Buffer): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
