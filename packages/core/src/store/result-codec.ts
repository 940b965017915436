/**
 * @module
 * How results are kept between runs: structured serialization (`node:v8`'s
 * format, the same as between threads and processes; plain data written by
 * `plain-serializer.ts`, faster), inline in the run store up to
 * a size, in the artifact store beyond it.
 */
import { deserialize, serialize } from 'node:v8';
import { hashFileSync } from '../util/hash.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { deserializePlain, NOT_PLAIN } from './plain-deserializer.ts';
import { serializePlain, serializePlainView } from './plain-serializer.ts';
import type { StoredResult } from './run-store.ts';

/** Results whose serialized form is larger than this go to the artifact store. @default 64 KiB */
export const INLINE_LIMIT = 64 * 1024;

// The commonest results (no-op tasks return undefined), serialized once.
const UNDEFINED = serialize(undefined);
const NULL = serialize(null);
const TRUE = serialize(true);
const FALSE = serialize(false);

/**
 * The serialized value, or undefined when it cannot be serialized (a
 * function, a socket). The bytes may be shared: callers copy, never change them.
 */
export function encodeResult(value: unknown): Uint8Array | undefined {
  if (value === undefined) return UNDEFINED;
  if (value === null) return NULL;
  if (value === true) return TRUE;
  if (value === false) return FALSE;
  try {
    return serializePlain(value) ?? serialize(value);
  } catch {
    return undefined;
  }
}

/**
 * `encodeResult` for a caller that copies the bytes at once: they may be a
 * view of a buffer that the next call overwrites.
 */
export function encodeResultView(value: unknown): Uint8Array | undefined {
  if (value === undefined) return UNDEFINED;
  if (value === null) return NULL;
  if (value === true) return TRUE;
  if (value === false) return FALSE;
  try {
    return serializePlainView(value) ?? serialize(value);
  } catch {
    return undefined;
  }
}

/**
 * The value of a stored result, or `MISSING` when it is gone (an artifact
 * deleted) or unreadable: then the task runs again.
 */
export function decodeResult(
  stored: StoredResult,
  artifacts: ArtifactStore | undefined,
): unknown | typeof MISSING {
  try {
    const bytes = stored.kind === 'inline' ? stored.bytes : artifacts?.getSync(stored.hash);
    if (bytes === undefined) return MISSING;
    const plain = deserializePlain(bytes);
    return unwrap(plain === NOT_PLAIN ? deserialize(bytes) : plain);
  } catch {
    return MISSING;
  }
}

export const MISSING: unique symbol = Symbol('weft.missingResult');

const VALUE = 'weft:value';
const FILES = 'weft:files';

/**
 * A result with the content hashes of the files the task wrote: kept this
 * way, a recorded result counts only while those files are unchanged.
 */
export function withOutputs(value: unknown, outputs: readonly string[]): unknown {
  const files: [string, string][] = [];
  for (const path of outputs) {
    const hash = hashOrUndefined(path);
    if (hash === undefined) return value;
    files.push([path, hash]);
  }
  return { [VALUE]: value, [FILES]: files };
}

/** The value of a decoded result, or `MISSING` when an output file it lists has changed. */
function unwrap(decoded: unknown): unknown {
  if (typeof decoded !== 'object' || decoded === null || !(FILES in decoded)) return decoded;
  const d = decoded as { [VALUE]: unknown; [FILES]: [string, string][] };
  for (const [path, hash] of d[FILES]) if (hashOrUndefined(path) !== hash) return MISSING;
  return d[VALUE];
}

function hashOrUndefined(path: string): string | undefined {
  try {
    return hashFileSync(path);
  } catch {
    return undefined;
  }
}
