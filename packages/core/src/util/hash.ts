/**
 * @module
 * SHA-256 hashes (lowercase hex) of bytes, files and structured-cloneable
 * values: the names of artifacts and the keys of the run's cache.
 *
 * `hashFile` and `hashFileSync` keep a small in-process cache keyed by the
 * file's path, size, mtime, ctime and inode, so a file that has not changed
 * is not read again. Like make and Snakemake, the cache trusts the
 * filesystem's metadata: a change that keeps all four (a same-size rewrite
 * within one timestamp tick) is not seen. To narrow that, a file modified
 * less than 100 ms before it is hashed is not cached (git's "racily clean"
 * guard); filesystems with coarse timestamps (FAT, HFS+) or a clock far
 * from this machine's (NFS) weaken the guard.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as v8 from 'node:v8';

/** Read files in chunks of this size, never whole. */
const CHUNK = 1 << 20;
/** How many files the stat cache remembers (least recently used first out). */
const CACHE_SIZE = 4096;
/** Files modified this recently are not cached. */
const RACY_MS = 100;

const oneShot: typeof crypto.hash | undefined =
  typeof crypto.hash === 'function' ? crypto.hash : undefined;

/**
 * The SHA-256 of some bytes (strings as UTF-8), as 64 lowercase hex characters.
 * @example hashBytes(new Uint8Array()) // 'e3b0c442...b855'
 */
export function hashBytes(bytes: Uint8Array | string): string {
  if (oneShot !== undefined) return oneShot('sha256', bytes, 'hex');
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * The hash of a structured-cloneable value, from its `v8.serialize` form;
 * undefined when it cannot be serialized (a function, a symbol, a class V8
 * refuses). Equal values can hash differently (object keys in another order,
 * an object shared or repeated, another Node major version), which costs a
 * cache miss, never a false hit; but the prototype of a class instance is not
 * part of the hash, as it is not part of what crosses threads.
 * @example hashValue([1, 'a', { x: 2 }]) === hashValue([1, 'a', { x: 2 }]) // true
 * @example hashValue({ f: () => 1 }) // undefined
 */
export function hashValue(value: unknown): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = v8.serialize(value);
  } catch {
    return undefined;
  }
  return hashBytes(bytes);
}

interface CacheEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly hash: string;
}

const cache = new Map<string, CacheEntry>();

function cached(key: string, stat: fs.Stats): string | undefined {
  const entry = cache.get(key);
  if (entry === undefined) return undefined;
  if (
    entry.size !== stat.size ||
    entry.mtimeMs !== stat.mtimeMs ||
    entry.ctimeMs !== stat.ctimeMs ||
    entry.ino !== stat.ino
  ) {
    cache.delete(key);
    return undefined;
  }
  // Most recently used goes last.
  cache.delete(key);
  cache.set(key, entry);
  return entry.hash;
}

/** Remembers a file's hash under the stat taken before it was read. */
function remember(key: string, stat: fs.Stats, hash: string, startedAt: number): void {
  if (startedAt - stat.mtimeMs < RACY_MS) return;
  cache.delete(key);
  cache.set(key, {
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    ctimeMs: stat.ctimeMs,
    ino: stat.ino,
    hash,
  });
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

/**
 * The SHA-256 of a file's content, read in chunks; unchanged files (same
 * size, mtime, ctime, inode) come from the in-process cache.
 * @example const hash = await hashFile('data/raw.csv');
 */
export async function hashFile(file: string): Promise<string> {
  const key = path.resolve(file);
  const hit = cached(key, await fsp.stat(key));
  if (hit !== undefined) return hit;
  const startedAt = Date.now();
  const handle = await fsp.open(key, 'r');
  try {
    // The stat of what is read: a file replaced since the first stat is cached as itself.
    const stat = await handle.stat();
    const hash = crypto.createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    const hex = hash.digest('hex');
    remember(key, stat, hex, startedAt);
    return hex;
  } finally {
    await handle.close();
  }
}

/**
 * `hashFile`, synchronously (for the run's cache lookups); shares its cache.
 * @example const hash = hashFileSync('data/raw.csv');
 */
export function hashFileSync(file: string): string {
  const key = path.resolve(file);
  const hit = cached(key, fs.statSync(key));
  if (hit !== undefined) return hit;
  const startedAt = Date.now();
  const fd = fs.openSync(key, 'r');
  try {
    const stat = fs.fstatSync(fd);
    const hash = crypto.createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const bytesRead = fs.readSync(fd, buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    const hex = hash.digest('hex');
    remember(key, stat, hex, startedAt);
    return hex;
  } finally {
    fs.closeSync(fd);
  }
}
