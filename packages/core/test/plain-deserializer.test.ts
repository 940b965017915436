import { deserialize, serialize } from 'node:v8';
import { decodeResult } from '@weft/core/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializePlain, NOT_PLAIN } from '../src/store/plain-deserializer.js';
import { serializePlain } from '../src/store/plain-serializer.js';
import { plainValues, same } from './plain-values.js';

/** Plain data as tasks return it, with keys V8 writes as numbers among them. */
const plain = plainValues(fc.string());

/** What weft reads back from `bytes`: its own reader's value, else V8's. */
function read(bytes: Uint8Array): unknown {
  const v = deserializePlain(bytes);
  return v === NOT_PLAIN ? deserialize(bytes) : v;
}

describe('deserializePlain', () => {
  it('reads what v8.serialize and serializePlain write as v8.deserialize does', () => {
    let own = 0;
    fc.assert(
      fc.property(plain, (value) => {
        for (const bytes of [serialize(value), serializePlain(value)]) {
          if (bytes === undefined) continue;
          if (deserializePlain(bytes) !== NOT_PLAIN) own++;
          expect(same(read(bytes), deserialize(bytes))).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    // Most of them were read here, not handed to V8.
    expect(own).toBeGreaterThan(3000);
  });

  it('reads the common results itself', () => {
    const values = [
      { file: 'out.fits', bytes: 4096 },
      [1, -1, 0, 2 ** 30 - 1, -(2 ** 30), 1.5, -0, 'x', true, false, null, undefined],
      { nested: { list: [{ a: 1 }, { b: [] }], empty: {} }, s: '' },
      'a string',
      '\u0080\u0099\u00ff', // Latin-1, not windows-1252
      'x\ud800y', // a lone surrogate stays one
      { k: '😀', kk: 'x日', kkk: ['日本語'] },
      2 ** 53,
      -987.25,
      Number.NaN,
    ];
    for (const value of values) {
      const got = deserializePlain(serialize(value));
      expect(got).not.toBe(NOT_PLAIN);
      expect(same(got, value)).toBe(true);
    }
  });

  it('leaves everything else to v8.deserialize', () => {
    const shared = { x: 1 };
    const holey = [1, 2, 3];
    delete holey[1];
    const others: unknown[] = [
      new Date(0),
      new Map([[1, 2]]),
      new Set([1]),
      /re/g,
      Buffer.from('b'),
      10n,
      new Error('e'),
      [shared, shared],
      holey,
      Object.assign([1, 2], { extra: true }),
      { 1: 'index key' },
      JSON.parse('{"__proto__": {"polluted": true}}'),
    ];
    for (const value of others) expect(deserializePlain(serialize(value))).toBe(NOT_PLAIN);
    // And V8 reads them, as before: no key defined by the bytes reaches a prototype.
    const proto = read(serialize(JSON.parse('{"__proto__": {"polluted": true}}'))) as object;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('refuses bytes that are not a whole value, without reading past them', () => {
    const whole = serialize({ a: [1, 'two', { three: 3.5 }] });
    for (let n = 0; n < whole.length; n++) {
      expect(deserializePlain(whole.subarray(0, n))).toBe(NOT_PLAIN);
    }
    expect(deserializePlain(Buffer.concat([whole, Buffer.from([0x30])]))).toBe(NOT_PLAIN);
    expect(deserializePlain(new Uint8Array([0x01, 0x02, 0x03]))).toBe(NOT_PLAIN);
    // A length far past the end: not read as a huge array or string.
    expect(deserializePlain(new Uint8Array([0xff, 0x0f, 0x41, 0xff, 0xff, 0xff, 0x7f]))).toBe(
      NOT_PLAIN,
    );
    expect(deserializePlain(new Uint8Array([0xff, 0x0f, 0x22, 0xff, 0xff, 0x03]))).toBe(NOT_PLAIN);
    // Nested deeper than the reader goes: left to V8.
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(deserializePlain(serialize(deep))).toBe(NOT_PLAIN);
  });

  it('is what decodeResult reads with, and a corrupt result reads as missing', () => {
    const bytes = serialize({ file: 'out.fits', bytes: 4096 });
    expect(decodeResult({ kind: 'inline', bytes }, undefined)).toEqual({
      file: 'out.fits',
      bytes: 4096,
    });
    const corrupt = new Uint8Array([0xff, 0x0f, 0x6f, 0x22, 0x01]);
    expect(typeof decodeResult({ kind: 'inline', bytes: corrupt }, undefined)).toBe('symbol');
  });
});
