/**
 * @module
 * The tasks of the parallel benchmark, at module top level so that workers
 * import them: a no-op, and ~20 ms of hashing.
 */
import { task } from '@weft/core';

export const noop = task('bench.noop', () => undefined);

/**
 * Hashes 64 KiB `rounds` times with FNV-1a in JavaScript; returns the last
 * hash. Plain JS on purpose: on this machine's 2 vCPUs, OpenSSL's SHA-256
 * barely runs faster on two threads than on one (measured 1.2x, against
 * 1.9x for JS), so native hashing would measure the hardware, not the pool.
 */
export function hashRounds(rounds: number): number {
  const data = new Uint8Array(64 * 1024).fill(1);
  let hash = 0;
  for (let r = 0; r < rounds; r++) {
    hash = 0x811c9dc5 ^ r;
    for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i]!, 0x01000193);
  }
  return hash >>> 0;
}

export const hashing = task('bench.hashing', (_ctx, rounds: number) => hashRounds(rounds));
