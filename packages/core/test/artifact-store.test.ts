import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsArtifactStore, openFsArtifactStore } from '../src/store/fs-artifact-store.js';
// From its module rather than `weft/testing`, which loads the whole engine.
import { runArtifactStoreContract } from '../src/testing/artifact-store-contract.js';
import { hashBytes } from '../src/util/hash.js';

/** Flips the first byte of the stored file. */
function flipFirstByte(store: FsArtifactStore, hash: string): void {
  const file = store.pathOf(hash);
  const bytes = fs.readFileSync(file);
  bytes[0] = bytes[0]! ^ 0xff;
  fs.writeFileSync(file, bytes);
}

runArtifactStoreContract({
  name: 'fs',
  create: (dir) => openFsArtifactStore(dir),
  corrupt: (store, hash) => flipFirstByte(store as FsArtifactStore, hash),
});

/** Every file under `root`, relative with `/`, sorted. */
function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((entry) => fs.statSync(path.join(root, entry)).isFile())
    .map((entry) => entry.split(path.sep).join('/'))
    .sort();
}

describe('FsArtifactStore', () => {
  let dir = '';
  let root = '';
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-fs-artifacts-'));
    root = path.join(dir, 'artifacts');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opening a store creates nothing; the first put creates the folders', async () => {
    const store = openFsArtifactStore(root);
    expect(store.location).toBe(path.resolve(root));
    expect(fs.existsSync(root)).toBe(false);
    const hash = await store.put(encode('first'));
    expect(filesUnder(root)).toEqual([`${hash.slice(0, 2)}/${hash.slice(2)}`]);
  });

  it('keeps artifacts at <root>/<2 hex>/<62 hex>', async () => {
    const store = openFsArtifactStore(root);
    const hash = await store.put(encode('layout'));
    const file = path.join(root, hash.slice(0, 2), hash.slice(2));
    expect(store.pathOf(hash)).toBe(file);
    expect(fs.readFileSync(file, 'utf8')).toBe('layout');
  });

  it('a relative root is resolved once, at open', async () => {
    const store = new FsArtifactStore(path.relative(process.cwd(), root));
    expect(store.location).toBe(root);
  });

  it('concurrent puts of the same content leave one file and no temp files', async () => {
    const bytes = new Uint8Array(256 * 1024).fill(7);
    // Two store objects on one root, as two runs in one process would have.
    const stores = [openFsArtifactStore(root), openFsArtifactStore(root)];
    const hashes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => stores[i % 2]!.put(bytes.slice())),
    );
    const hash = hashBytes(bytes);
    expect(new Set(hashes)).toEqual(new Set([hash]));
    expect(filesUnder(root)).toEqual([`${hash.slice(0, 2)}/${hash.slice(2)}`]);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('concurrent putFile of the same file leaves one file and no temp files', async () => {
    const file = path.join(dir, 'input.bin');
    fs.writeFileSync(file, new Uint8Array(3 * 1024 * 1024 + 5).fill(3));
    const store = openFsArtifactStore(root);
    const hashes = await Promise.all(Array.from({ length: 8 }, () => store.putFile(file)));
    expect(new Set(hashes).size).toBe(1);
    expect(filesUnder(root)).toEqual([`${hashes[0]!.slice(0, 2)}/${hashes[0]!.slice(2)}`]);
  });

  it('a temp file left by a crash is not an artifact', async () => {
    const store = openFsArtifactStore(root);
    const content = encode('half written by a crashed process');
    const hash = hashBytes(content);
    // What a crash between write and rename leaves: the content, under tmp/ only.
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tmp', '12345-crashed'), content.subarray(0, 10));
    expect(await store.has(hash)).toBe(false);
    expect(await store.get(hash)).toBeUndefined();
    expect(store.getSync(hash)).toBeUndefined();
    // And storing that content afterwards works.
    expect(await store.put(content)).toBe(hash);
    expect(await store.get(hash, { verify: true })).toEqual(content);
  });

  it('verify detects a corrupted file, which a later put repairs', async () => {
    const store = openFsArtifactStore(root);
    const content = encode('precious results');
    const hash = await store.put(content);
    // Same size, one byte changed: only rehashing can tell.
    flipFirstByte(store, hash);
    expect(await store.get(hash)).not.toEqual(content);
    expect(await store.get(hash, { verify: true })).toBeUndefined();
    // Reported absent, and it is: the next put stores the content again.
    expect(await store.has(hash)).toBe(false);
    await store.put(content);
    expect(await store.get(hash, { verify: true })).toEqual(content);
  });

  it('verify detects a truncated file', async () => {
    const store = openFsArtifactStore(root);
    const hash = await store.put(encode('a longer artifact'));
    fs.truncateSync(store.pathOf(hash), 3);
    expect(await store.get(hash, { verify: true })).toBeUndefined();
  });

  it('copyTo keeps the destination whole while it is replaced', async () => {
    const store = openFsArtifactStore(root);
    const big = new Uint8Array(4 * 1024 * 1024).fill(1);
    const hash = await store.put(big);
    const dest = path.join(dir, 'out', 'dest.bin');
    fs.mkdirSync(path.dirname(dest));
    fs.writeFileSync(dest, 'old');
    let done = false;
    const copying = store.copyTo(hash, dest).finally(() => {
      done = true;
    });
    const sizes = new Set<number>();
    while (!done) {
      sizes.add(fs.readFileSync(dest).byteLength);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await copying;
    sizes.add(fs.readFileSync(dest).byteLength);
    expect([...sizes].filter((size) => size !== 3 && size !== big.byteLength)).toEqual([]);
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['dest.bin']);
  });

  it('putFile leaves no temp file when the source cannot be read', async () => {
    const store = openFsArtifactStore(root);
    await expect(store.putFile(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(store.putFile(dir)).rejects.toThrow();
    expect(filesUnder(root)).toEqual([]);
  });
});
