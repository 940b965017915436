import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashBytes, hashFile, hashFileSync, hashValue } from '../src/util/hash.js';

const sha256 = (data: Uint8Array | string): string =>
  createHash('sha256').update(data).digest('hex');

describe('hashBytes', () => {
  it('is the SHA-256 of the bytes in lowercase hex', () => {
    expect(hashBytes(new Uint8Array())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect(hashBytes(bytes)).toBe(sha256(bytes));
  });

  it('hashes strings as UTF-8', () => {
    expect(hashBytes('héllo')).toBe(sha256(Buffer.from('héllo', 'utf8')));
  });

  it('hashes only the bytes a view covers', () => {
    const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);
    expect(hashBytes(whole.subarray(2, 5))).toBe(sha256(new Uint8Array([1, 2, 3])));
  });
});

describe('hashValue', () => {
  it('gives equal values the same hash and different values different hashes', () => {
    const a = hashValue([1, 'a', { x: 2 }]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hashValue([1, 'a', { x: 2 }])).toBe(a);
    expect(hashValue([1, 'a', { x: 3 }])).not.toBe(a);
    expect(hashValue([1, 'a', { y: 2 }])).not.toBe(a);
    expect(hashValue('1')).not.toBe(hashValue(1));
    expect(hashValue(new Map([[1, 2]]))).toBe(hashValue(new Map([[1, 2]])));
    expect(hashValue(new Uint8Array([1]))).not.toBe(hashValue(new Uint8Array([2])));
  });

  it('hashes undefined, null and nested structured-cloneable values', () => {
    expect(hashValue(undefined)).not.toBe(hashValue(null));
    expect(hashValue({ d: new Date(0), s: new Set([1]), n: 10n })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is undefined for values that cannot be serialized', () => {
    expect(hashValue(() => 1)).toBeUndefined();
    expect(hashValue({ run: () => 1 })).toBeUndefined();
    expect(hashValue([1, Symbol('s')])).toBeUndefined();
    expect(hashValue(new WeakMap())).toBeUndefined();
  });
});

describe('hashFile and hashFileSync', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-hash-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a file and dates it `secondsAgo` in the past (old enough to be cached). */
  function write(name: string, content: string | Uint8Array, secondsAgo: number): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    const when = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(file, when, when);
    return file;
  }

  it('hash the file content, async and sync alike', async () => {
    const file = write('a.txt', 'content of a', 60);
    expect(await hashFile(file)).toBe(sha256('content of a'));
    expect(hashFileSync(file)).toBe(sha256('content of a'));
  });

  it('read files larger than one chunk whole', async () => {
    const bytes = new Uint8Array(2 * 1024 * 1024 + 17);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
    const file = write('big.bin', bytes, 60);
    expect(await hashFile(file)).toBe(sha256(bytes));
    expect(hashFileSync(path.join(dir, '.', 'big.bin'))).toBe(sha256(bytes));
  });

  it('hash empty files', async () => {
    const file = write('empty', '', 60);
    expect(await hashFile(file)).toBe(hashBytes(''));
    expect(hashFileSync(file)).toBe(hashBytes(''));
  });

  it('give a new hash after the content and mtime change (same size)', async () => {
    const file = write('data.csv', 'a,b\n1,2\n', 120);
    expect(await hashFile(file)).toBe(sha256('a,b\n1,2\n'));
    write('data.csv', 'a,b\n3,4\n', 60);
    expect(await hashFile(file)).toBe(sha256('a,b\n3,4\n'));
    write('data.csv', 'a,b\n5,6\n', 30);
    expect(hashFileSync(file)).toBe(sha256('a,b\n5,6\n'));
  });

  it('give a new hash when the content changes but size and mtime are put back', async () => {
    const file = write('same.txt', 'AAAA', 60);
    const { mtime, atime } = fs.statSync(file);
    expect(hashFileSync(file)).toBe(sha256('AAAA'));
    fs.writeFileSync(file, 'BBBB');
    fs.utimesSync(file, atime, mtime);
    expect(hashFileSync(file)).toBe(sha256('BBBB'));
    expect(await hashFile(file)).toBe(sha256('BBBB'));
  });

  it('give a new hash when the file is replaced by another one', async () => {
    const file = write('swap.txt', 'one', 60);
    const { mtime } = fs.statSync(file);
    expect(await hashFile(file)).toBe(sha256('one'));
    const other = write('other.txt', 'two', 60);
    fs.utimesSync(other, mtime, mtime);
    fs.renameSync(other, file);
    expect(await hashFile(file)).toBe(sha256('two'));
  });

  it('see a file rewritten right after it was hashed', async () => {
    const file = path.join(dir, 'fresh.txt');
    fs.writeFileSync(file, 'v1');
    expect(await hashFile(file)).toBe(sha256('v1'));
    fs.writeFileSync(file, 'v2');
    expect(await hashFile(file)).toBe(sha256('v2'));
  });

  it('reject for a missing file', async () => {
    await expect(hashFile(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => hashFileSync(path.join(dir, 'missing'))).toThrow(/ENOENT/);
  });
});
