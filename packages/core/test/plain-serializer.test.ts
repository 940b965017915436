import { deserialize, serialize } from 'node:v8';
import { decodeResult, encodeResult } from '@weft/core/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializePlain } from '../src/store/plain-serializer.js';
import { plainValues, same } from './plain-values.js';

/** Plain data as tasks return it: what `serializePlain` must write itself. */
const plain = plainValues(fc.string({ minLength: 1 }).filter((k) => !/^[0-9]/.test(k)));

describe('serializePlain', () => {
  it('writes what v8.deserialize reads as the value v8.serialize would give', () => {
    fc.assert(
      fc.property(plain, (value) => {
        const bytes = serializePlain(value);
        expect(bytes).toBeInstanceOf(Uint8Array);
        expect(same(deserialize(bytes!), deserialize(serialize(value)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the same bytes as v8.serialize for ASCII data and two-byte strings', () => {
    const values = [
      { file: 'out.fits', bytes: 4096 },
      [1, -1, 0, 2 ** 30 - 1, -(2 ** 30), 1.5, -0, 'x', true, false, null, undefined],
      { nested: { list: [{ a: 1 }, { b: [] }], empty: {} }, s: '' },
      'a string',
      '日本',
      { k: '😀', kk: 'x日', kkk: ['日本語'] },
      12345678,
      -987.25,
    ];
    for (const value of values) {
      expect(Buffer.from(serializePlain(value)!)).toEqual(serialize(value));
    }
  });

  it('keeps own enumerable properties only, getters read, in order', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.z = 1;
    o.a = 2;
    Object.defineProperty(o, 'hidden', { value: 3, enumerable: false });
    Object.defineProperty(o, 'got', { get: () => 'read', enumerable: true });
    const back = deserialize(serializePlain(o)!) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(['z', 'a', 'got']);
    expect(back).toEqual({ z: 1, a: 2, got: 'read' });
  });

  it('leaves everything else to v8.serialize', () => {
    const shared = { x: 1 };
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const holey = [1, 2, 3];
    delete holey[1];
    const decorated = Object.assign([1, 2], { extra: true });
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = [deep];
    class Point {
      x = 1;
    }
    const others: unknown[] = [
      new Date(0),
      new Map([[1, 2]]),
      new Set([1]),
      /re/g,
      new Uint8Array([1, 2]),
      Buffer.from('b'),
      10n,
      new Point(),
      new Error('e'),
      [shared, shared],
      cyclic,
      holey,
      decorated,
      { 1: 'index key' },
      Array.from({ length: 300 }, (_, i) => i),
      deep,
      () => 1,
      Symbol('s'),
    ];
    for (const value of others) expect(serializePlain(value)).toBeUndefined();
  });

  it('gives encodeResult values that round-trip through the store codec, fast path or not', () => {
    const values: unknown[] = [
      { file: 'out.fits', bytes: 4096 },
      [{ a: [1, 2, { b: 'c' }] }],
      new Map([['k', { v: new Date(5) }]]),
      Array.from({ length: 1000 }, (_, i) => ({ i })),
    ];
    for (const value of values) {
      const bytes = encodeResult(value)!;
      expect(decodeResult({ kind: 'inline', bytes }, undefined)).toEqual(value);
    }
    expect(encodeResult(() => 1)).toBeUndefined();
  });

  it('returns a buffer of its own each time', () => {
    const a = serializePlain({ a: 1 })!;
    const b = serializePlain({ b: 2 })!;
    expect(deserialize(a)).toEqual({ a: 1 });
    expect(deserialize(b)).toEqual({ b: 2 });
  });
});
