/**
 * @module
 * The errors the artifact stores raise. Like weft's other errors they keep
 * what their message names in plain fields, so they survive structured
 * cloning across threads and processes.
 */
import { describeValue, WeftError } from '../errors/base.ts';

const MAX_KEY = 80;

/** A key that is not a SHA-256 hash (64 lowercase hex characters) was given to an artifact store. */
export class InvalidArtifactHashError extends WeftError {
  /** The key as given (a description when it is not a string), cut to 80 characters. */
  readonly key: string;
  constructor(key: unknown) {
    super(
      'WEFT_ARTIFACT_HASH',
      `${describeValue(key)} is not an artifact hash: expected 64 lowercase hex characters (SHA-256)`,
    );
    this.key =
      typeof key === 'string'
        ? key.length > MAX_KEY
          ? `${key.slice(0, MAX_KEY - 3)}...`
          : key
        : describeValue(key);
  }
}

/** An artifact was asked for that the store does not hold. */
export class ArtifactMissingError extends WeftError {
  readonly hash: string;
  /** Where the store lives (its `location`). */
  readonly location: string;
  constructor(hash: string, location: string) {
    super('WEFT_ARTIFACT_MISSING', `artifact ${hash} is not in the artifact store at ${location}`);
    this.hash = hash;
    this.location = location;
  }
}

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
