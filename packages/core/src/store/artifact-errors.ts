/**
 * @module
 * The check artifact stores make of every key (their errors are in
 * `errors/store.ts`).
 */
import { InvalidArtifactHashError } from '../errors/store.ts';

const HASH = /^[0-9a-f]{64}$/;

/**
 * Throws `InvalidArtifactHashError` unless `hash` is 64 lowercase hex
 * characters; stores call it before touching their storage, so that no key
 * names anything outside them.
 * @example assertArtifactHash('../../etc/passwd') // throws WEFT_ARTIFACT_HASH
 */
export function assertArtifactHash(hash: unknown): asserts hash is string {
  if (typeof hash !== 'string' || !HASH.test(hash)) throw new InvalidArtifactHashError(hash);
}
