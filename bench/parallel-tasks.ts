/**
 * @module
 * The tasks of the parallel benchmark, at module top level so that workers
 * import them: a no-op, and ~20 ms of hashing.
 */
import { createHash } from 'node:crypto';
import { task } from 'weft';

export const noop = task('bench.noop', () => undefined);

/** Hashes 64 KiB `rounds` times; returns the last digest. */
export function hashRounds(rounds: number): string {
  const data = Buffer.alloc(64 * 1024, 1);
  let digest = '';
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(data).digest('hex');
  return digest;
}

export const hashing = task('bench.hashing', (_ctx, rounds: number) => hashRounds(rounds));
