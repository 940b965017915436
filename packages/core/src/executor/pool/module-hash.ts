/**
 * @module
 * The content hash of a task module's file, which the coordinator and its
 * workers compare so that a worker never runs code other than the
 * coordinator's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** SHA-256 (hex) of the file at `url` (a `file:` URL); throws when it cannot be read. */
export function moduleHash(url: string): string {
  return createHash('sha256')
    .update(readFileSync(fileURLToPath(url)))
    .digest('hex');
}
