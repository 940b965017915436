/**
 * @module
 * The artifact store conformance suite. `runArtifactStoreContract({ name,
 * create })` registers vitest tests that check the contract written in
 * `store/artifact-store.ts`. A new artifact store is done when it passes.
 *
 * Each test gets a fresh sandbox folder: the store is offered a folder in it
 * (`create(dir)`; a store that keeps its artifacts elsewhere ignores it) and
 * `copyTo` writes under `<sandbox>/out/`. After each test the suite checks
 * that no file was written in the sandbox outside those two places, and the
 * refused keys are checked to touch nothing at all.
 */
import { hash as sha256 } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWeftError, serializeError } from '../errors/base.ts';
import { ArtifactMissingError, InvalidArtifactHashError } from '../errors/store.ts';
import type { ArtifactStore } from '../store/artifact-store.ts';
import { listContract } from './artifact-store-contract/list.ts';

export interface ArtifactStoreContractOptions {
  /** Names the suite in test reports (`artifact store contract: <name>`). */
  readonly name: string;
  /**
   * A new, empty store for each test. `dir` is a folder that does not exist
   * yet, for stores that keep their artifacts on the local filesystem.
   */
  readonly create: (dir: string) => ArtifactStore | Promise<ArtifactStore>;
  /**
   * Changes the stored content of an artifact behind the store's back, so the
   * suite can check `get(hash, { verify: true })`. Without it that test is skipped.
   */
  readonly corrupt?: (store: ArtifactStore, hash: string) => void | Promise<void>;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array | string): string => sha256('sha256', bytes, 'hex');
const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Larger than any sensible chunk size, and not a multiple of one. */
const LARGE = 3 * (1 << 20) + 12_345;

function largeBytes(): Uint8Array {
  const bytes = new Uint8Array(LARGE);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 13)) & 0xff;
  return bytes;
}

/** Keys that are not hashes, each refused before the store touches anything. */
const BAD_KEYS: readonly [string, unknown][] = [
  ['a path escaping the root', '../../etc/passwd'],
  ['an absolute path', '/etc/passwd'],
  ['a key with a slash', 'a/b'],
  ['a hash with a slash in it', `ab/${'c'.repeat(61)}`],
  ['dots and hex, 64 characters', `../${'a'.repeat(61)}`],
  ['uppercase hex', EMPTY_HASH.toUpperCase()],
  ['63 characters', EMPTY_HASH.slice(1)],
  ['65 characters', `${EMPTY_HASH}0`],
  ['a hash and a newline', `${EMPTY_HASH}\n`],
  ['the empty string', ''],
  ['200 characters', 'f'.repeat(200)],
  ['a number', 42],
];

/** How a refused key is quoted in the message: as JSON, cut to 80 characters. */
function quoted(key: unknown): string {
  if (typeof key !== 'string') return String(key);
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key);
}

/** Every file under `root`, relative, sorted. */
function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((entry) => !fs.statSync(path.join(root, entry)).isDirectory())
    .map((entry) => entry.split(path.sep).join('/'))
    .sort();
}

/** Every entry (files and folders) under `root`, relative, sorted. */
function entriesUnder(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[]).sort();
}

/**
 * Registers the artifact store contract's tests for one store.
 * @example
 * // test/artifact-store.test.ts
 * import { runArtifactStoreContract } from '@weft/core/testing';
 * import { openFsArtifactStore } from '../src/store/fs-artifact-store.ts';
 *
 * runArtifactStoreContract({ name: 'fs', create: (dir) => openFsArtifactStore(dir) });
 */
export function runArtifactStoreContract({
  name,
  create,
  corrupt,
}: ArtifactStoreContractOptions): void {
  describe(`artifact store contract: ${name}`, () => {
    let sandbox = '';
    let storeDir = '';
    let outDir = '';
    const newStore = (): Promise<ArtifactStore> => Promise.resolve(create(storeDir));
    const out = (...parts: string[]): string => path.join(outDir, ...parts);

    beforeEach(() => {
      sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-artifact-contract-'));
      // Deep enough that a key climbing out of the store lands in the sandbox, where it shows.
      fs.mkdirSync(path.join(sandbox, 'a', 'b', 'c'), { recursive: true });
      storeDir = path.join(sandbox, 'a', 'b', 'c', 'store');
      outDir = path.join(sandbox, 'out');
    });

    afterEach(() => {
      try {
        const stray = filesUnder(sandbox).filter(
          (file) => !file.startsWith('a/b/c/store/') && !file.startsWith('out/'),
        );
        expect(stray, 'files written outside the store and the copyTo targets').toEqual([]);
      } finally {
        fs.rmSync(sandbox, { recursive: true, force: true });
      }
    });

    describe('put and get', () => {
      it('put returns the SHA-256 of the bytes, as 64 lowercase hex characters', async () => {
        const store = await newStore();
        const bytes = encode('hello, weft');
        const hash = await store.put(bytes);
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(hash).toBe(hex(bytes));
      });

      it('get, getSync and has find what put stored', async () => {
        const store = await newStore();
        const hash = await store.put(encode('some bytes'));
        expect(await store.has(hash)).toBe(true);
        expect(new TextDecoder().decode(await store.get(hash))).toBe('some bytes');
        expect(new TextDecoder().decode(store.getSync(hash))).toBe('some bytes');
      });

      it('stores empty content', async () => {
        const store = await newStore();
        const hash = await store.put(new Uint8Array());
        expect(hash).toBe(EMPTY_HASH);
        expect(await store.has(hash)).toBe(true);
        expect((await store.get(hash))?.byteLength).toBe(0);
        expect(store.getSync(hash)?.byteLength).toBe(0);
      });

      it('stores large content whole', async () => {
        const store = await newStore();
        const bytes = largeBytes();
        const hash = await store.put(bytes);
        expect(hash).toBe(hex(bytes));
        const back = await store.get(hash);
        expect(back?.byteLength).toBe(LARGE);
        expect(hex(back!)).toBe(hash);
      });

      it('get returns a Uint8Array', async () => {
        const store = await newStore();
        const hash = await store.put(encode('x'));
        expect(await store.get(hash)).toBeInstanceOf(Uint8Array);
        expect(store.getSync(hash)).toBeInstanceOf(Uint8Array);
      });

      it('an absent artifact is undefined to get and getSync, and false to has', async () => {
        const store = await newStore();
        const absent = hex('never stored');
        expect(await store.get(absent)).toBeUndefined();
        expect(await store.get(absent, { verify: true })).toBeUndefined();
        expect(store.getSync(absent)).toBeUndefined();
        expect(await store.has(absent)).toBe(false);
      });

      it('the same content twice gives the same hash and one copy', async () => {
        const store = await newStore();
        const first = await store.put(encode('twice'));
        const second = await store.put(encode('twice'));
        expect(second).toBe(first);
        // One copy: a single delete removes it.
        await store.delete(first);
        expect(await store.has(first)).toBe(false);
      });

      it('concurrent puts of the same content all give its hash', async () => {
        const store = await newStore();
        const bytes = encode('raced');
        const hashes = await Promise.all(Array.from({ length: 16 }, () => store.put(bytes)));
        expect(new Set(hashes)).toEqual(new Set([hex(bytes)]));
        expect(new TextDecoder().decode(await store.get(hashes[0]!))).toBe('raced');
      });

      it('different content gets different hashes, each kept apart', async () => {
        const store = await newStore();
        const a = await store.put(encode('a'));
        const b = await store.put(encode('b'));
        expect(a).not.toBe(b);
        await store.delete(a);
        expect(await store.has(a)).toBe(false);
        expect(new TextDecoder().decode(await store.get(b))).toBe('b');
      });

      it('a reader never sees part of an artifact being written', async () => {
        const store = await newStore();
        const bytes = largeBytes();
        const hash = hex(bytes);
        let done = false;
        const writing = store.put(bytes).finally(() => {
          done = true;
        });
        const seen: (number | undefined)[] = [];
        while (!done) {
          seen.push((await store.get(hash))?.byteLength);
          seen.push(store.getSync(hash)?.byteLength);
        }
        expect(await writing).toBe(hash);
        expect(seen.filter((length) => length !== undefined && length !== LARGE)).toEqual([]);
      });
    });

    describe('putFile', () => {
      it('stores a file and returns the hash of its content', async () => {
        const store = await newStore();
        const file = out('in', 'small.txt');
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, 'file content');
        const hash = await store.putFile(file);
        expect(hash).toBe(hex('file content'));
        expect(hash).toBe(await store.put(encode('file content')));
        expect(new TextDecoder().decode(await store.get(hash))).toBe('file content');
        expect(fs.readFileSync(file, 'utf8')).toBe('file content');
      });

      it('stores large and empty files whole', async () => {
        const store = await newStore();
        fs.mkdirSync(outDir, { recursive: true });
        const bytes = largeBytes();
        fs.writeFileSync(out('large.bin'), bytes);
        fs.writeFileSync(out('empty.bin'), '');
        const large = await store.putFile(out('large.bin'));
        expect(large).toBe(hex(bytes));
        expect(hex((await store.get(large))!)).toBe(large);
        expect(await store.putFile(out('empty.bin'))).toBe(EMPTY_HASH);
        expect((await store.get(EMPTY_HASH))?.byteLength).toBe(0);
      });

      it('rejects when the file does not exist, storing nothing', async () => {
        const store = await newStore();
        await expect(store.putFile(out('missing.txt'))).rejects.toThrow();
        expect(await store.has(EMPTY_HASH)).toBe(false);
      });
    });

    describe('copyTo', () => {
      it('writes the artifact to a path, making its folders', async () => {
        const store = await newStore();
        const hash = await store.put(encode('copied'));
        const dest = out('deep', 'er', 'copy.txt');
        await store.copyTo(hash, dest);
        expect(fs.readFileSync(dest, 'utf8')).toBe('copied');
        // Nothing else is left beside it (no temp file).
        expect(fs.readdirSync(path.dirname(dest))).toEqual(['copy.txt']);
        expect(await store.has(hash)).toBe(true);
      });

      it('replaces a file already at the path', async () => {
        const store = await newStore();
        const hash = await store.put(largeBytes());
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(out('dest.bin'), 'old content');
        await store.copyTo(hash, out('dest.bin'));
        expect(hex(fs.readFileSync(out('dest.bin')))).toBe(hash);
        expect(fs.readdirSync(outDir)).toEqual(['dest.bin']);
      });

      it('throws ArtifactMissingError for an absent artifact, writing nothing', async () => {
        const store = await newStore();
        const absent = hex('absent');
        const error = await store.copyTo(absent, out('x', 'copy.txt')).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ArtifactMissingError);
        const missing = error as ArtifactMissingError;
        expect(missing.code).toBe('WEFT_ARTIFACT_MISSING');
        expect(missing.message).toContain(absent);
        expect(missing.message).toContain(store.location);
        expect(missing.hash).toBe(absent);
        expect(missing.location).toBe(store.location);
        expect(serializeError(missing).data).toEqual({ hash: absent, location: store.location });
        expect(fs.existsSync(out('x', 'copy.txt'))).toBe(false);
        expect(filesUnder(outDir)).toEqual([]);
      });
    });

    describe('delete', () => {
      it('removes an artifact', async () => {
        const store = await newStore();
        const hash = await store.put(encode('to delete'));
        await store.delete(hash);
        expect(await store.has(hash)).toBe(false);
        expect(await store.get(hash)).toBeUndefined();
        expect(store.getSync(hash)).toBeUndefined();
      });

      it('does nothing for an absent artifact', async () => {
        const store = await newStore();
        await expect(store.delete(hex('not there'))).resolves.toBeUndefined();
      });

      it('a deleted artifact can be stored again', async () => {
        const store = await newStore();
        const hash = await store.put(encode('again'));
        await store.delete(hash);
        expect(await store.put(encode('again'))).toBe(hash);
        expect(new TextDecoder().decode(await store.get(hash))).toBe('again');
      });
    });

    listContract(newStore, out);

    describe('verify', () => {
      it('get with verify returns intact content', async () => {
        const store = await newStore();
        const hash = await store.put(encode('intact'));
        expect(new TextDecoder().decode(await store.get(hash, { verify: true }))).toBe('intact');
      });

      it.skipIf(corrupt === undefined)(
        'get with verify reports a corrupted artifact as absent',
        async () => {
          const store = await newStore();
          const hash = await store.put(encode('will be corrupted'));
          await corrupt!(store, hash);
          expect(await store.get(hash, { verify: true })).toBeUndefined();
        },
      );
    });

    describe('keys that are not hashes', () => {
      for (const [what, key] of BAD_KEYS) {
        it(`refuses ${what} in every method, touching nothing`, async () => {
          const store = await newStore();
          // A real artifact, so that a store that ignored the key could find something.
          await store.put(encode('present'));
          const before = entriesUnder(sandbox);
          const k = key as string;
          const attempts: [string, () => unknown][] = [
            ['get', () => store.get(k)],
            ['get verify', () => store.get(k, { verify: true })],
            ['getSync', () => store.getSync(k)],
            ['has', () => store.has(k)],
            ['copyTo', () => store.copyTo(k, out('refused', 'copy.txt'))],
            ['delete', () => store.delete(k)],
          ];
          for (const [method, attempt] of attempts) {
            let error: unknown;
            try {
              await attempt();
            } catch (e) {
              error = e;
            }
            expect(error, method).toBeInstanceOf(InvalidArtifactHashError);
            const refused = error as InvalidArtifactHashError;
            expect(refused.code, method).toBe('WEFT_ARTIFACT_HASH');
            expect(isWeftError(refused), method).toBe(true);
            expect(refused.message, method).toContain(quoted(key));
            if (typeof key === 'string' && key.length > 80) {
              expect(refused.message, method).not.toContain(key);
            }
            expect(serializeError(refused).data?.key, method).toBeTypeOf('string');
          }
          expect(entriesUnder(sandbox)).toEqual(before);
        });
      }
    });
  });
}
