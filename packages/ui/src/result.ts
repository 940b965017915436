/**
 * @module
 * A task's result as the page shows it: where it is kept (inline in the
 * run store, or an artifact), its size, and a bounded text form of the
 * value (a `util.inspect` of at most a few levels, items and characters).
 * Results too large to decode cheaply are described, not decoded.
 */
import { inspect } from 'node:util';
import { type ArtifactStore, decodeResult, MISSING, type StoredResult } from '@weft/core/store';
import type { ResultSummary } from './wire.ts';

/** Results larger than this are not decoded for a preview. */
export const PREVIEW_MAX_BYTES = 8 * 1024 * 1024;
const PREVIEW_MAX_CHARS = 4000;

function preview(value: unknown): string {
  const text = inspect(value, {
    depth: 3,
    maxArrayLength: 20,
    maxStringLength: 500,
    breakLength: 100,
    compact: 3,
    colors: false,
  });
  return text.length > PREVIEW_MAX_CHARS ? `${text.slice(0, PREVIEW_MAX_CHARS)}…` : text;
}

/** The summary of a stored result; `artifacts` undefined when the artifacts cannot be read here. */
export function summarizeResult(
  stored: StoredResult,
  artifacts: ArtifactStore | undefined,
): ResultSummary {
  const size = stored.kind === 'inline' ? stored.bytes.byteLength : stored.size;
  const hash = stored.kind === 'artifact' ? stored.hash : null;
  const readable = stored.kind === 'inline' || artifacts !== undefined;
  let text: string | null = null;
  if (readable && size <= PREVIEW_MAX_BYTES) {
    const value = decodeResult(stored, artifacts);
    text = value === MISSING ? null : preview(value);
  }
  return { kind: stored.kind, size, hash, preview: text, downloadable: readable };
}

/** The serialized bytes of a stored result, or undefined when they cannot be read. */
export async function resultBytes(
  stored: StoredResult,
  artifacts: ArtifactStore | undefined,
): Promise<Uint8Array | undefined> {
  if (stored.kind === 'inline') return stored.bytes;
  return artifacts?.get(stored.hash);
}
