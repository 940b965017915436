/**
 * @module
 * Files as the targets front end sees them: a stamp (size, mtime, ctime,
 * inode, content hash, and when the hash was taken), and whether a stamp
 * recorded earlier can stand for the file now without reading it.
 *
 * Like make, Snakemake, git and weft's cache, a recorded hash is trusted
 * while the file's metadata is unchanged; a file modified less than
 * `RACY_MS` before its hash was taken is read again next time (git's
 * "racily clean" guard), since a rewrite within one timestamp tick keeps
 * the metadata. Hashes are SHA-256, shortened to 64 bits: enough to tell a
 * change, not to name content. Values (params, states) hash as weft's cache
 * hashes them.
 */
import { createHash, hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { hashValue } from '../../util/hash.ts';
import type { FileStamp } from './model.ts';

/** A stamp whose file was modified this soon before its hash was taken is not trusted later. */
export const RACY_MS = 100;

/** Read in chunks of this size, through one buffer per thread. */
const CHUNK = 1 << 20;
let buffer: Buffer | undefined;

const oneShot = typeof hash === 'function' ? hash : undefined;

/** A hash as the build's records keep it: 16 hex characters. */
export function shortHash(text: string | Uint8Array): string {
  const hex =
    oneShot === undefined
      ? createHash('sha256').update(text).digest('hex')
      : oneShot('sha256', text, 'hex');
  return hex.slice(0, 16);
}

/**
 * A value's hash as the records keep it (from its structured-clone form);
 * undefined when it cannot be serialized.
 */
export function valueHash(value: unknown): string | undefined {
  return hashValue(value)?.slice(0, 16);
}

/** Reads `path` and returns its stamp; throws (ENOENT, ...) as `open` does. */
export function stampFile(path: string): FileStamp {
  const at = Date.now();
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    // A directory is there or not; what is in it is not followed.
    if (st.isDirectory()) return [st.size, st.mtimeMs, st.ctimeMs, st.ino, 'directory', at];
    const hash = createHash('sha256');
    buffer ??= Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(n === CHUNK ? buffer : buffer.subarray(0, n));
    }
    return [st.size, st.mtimeMs, st.ctimeMs, st.ino, hash.digest('hex').slice(0, 16), at];
  } finally {
    closeSync(fd);
  }
}

/** True when `stamp` was taken of the file `st` describes, and can stand for it without reading. */
export function stampHolds(stamp: FileStamp, st: Stats): boolean {
  return (
    stamp[0] === st.size &&
    stamp[1] === st.mtimeMs &&
    stamp[2] === st.ctimeMs &&
    stamp[3] === st.ino &&
    stamp[5] - st.mtimeMs >= RACY_MS
  );
}
