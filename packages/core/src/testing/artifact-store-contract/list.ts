/**
 * @module
 * The artifact store contract on `list`: every hash held, once, sorted,
 * and never a write that is still under way.
 */
import { hash as sha256 } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../store/artifact-store.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array | string): string => sha256('sha256', bytes, 'hex');

/** Registers the tests of `list`; `out` names a file outside the store, for `putFile`. */
export function listContract(
  newStore: () => Promise<ArtifactStore>,
  out: (...parts: string[]) => string,
): void {
  describe('list', () => {
    it('gives every hash held, once each, sorted', async () => {
      const store = await newStore();
      expect(await store.list()).toEqual([]);
      const a = await store.put(encode('a'));
      const b = await store.put(encode('b'));
      await store.put(encode('a'));
      const file = out('listed.txt');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'from a file');
      const c = await store.putFile(file);
      expect(await store.list()).toEqual([a, b, c].sort());
      await store.delete(b);
      expect(await store.list()).toEqual([a, c].sort());
      await store.delete(a);
      await store.delete(c);
      expect(await store.list()).toEqual([]);
    });

    it('never lists a write under way, only whole artifacts', async () => {
      const store = await newStore();
      const small = await store.put(encode('already there'));
      const big = new Uint8Array(4 * (1 << 20) + 7).fill(7);
      const bigHash = hex(big);
      let done = false;
      const writing = store.put(big).finally(() => {
        done = true;
      });
      const seen = new Set<string>();
      while (!done) {
        const listed = await store.list();
        for (const h of listed) seen.add(h);
        if (listed.includes(bigHash))
          expect((await store.get(bigHash))?.byteLength).toBe(big.length);
      }
      await writing;
      expect([...seen].filter((h) => h !== small && h !== bigHash)).toEqual([]);
      expect(await store.list()).toEqual([small, bigHash].sort());
    });
  });
}
