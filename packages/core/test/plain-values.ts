/**
 * Plain data as tasks return it, for the property tests of the plain
 * serializer and deserializer, and the equality they are checked with.
 */
import fc from 'fast-check';

/** Plain values whose object keys come from `key`. */
export function plainValues(key: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.constantFrom(-0, Number.NaN, Infinity, 2 ** 30, -(2 ** 30) - 1, 2 ** 31, 2 ** 53),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.string({
        unit: fc.constantFrom('a', 'é', '\u0080', '\u009f', 'ÿ', '日', '\u0000', '😀'),
      }),
      fc.array(tie('value'), { maxLength: 6 }),
      fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    ),
  })).value;
}

/** Structural equality that also tells -0 from 0, NaN from itself, key order and prototypes. */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.join('\0') !== kb.join('\0')) return false;
  return ka.every((k) =>
    same((a as Record<string, unknown>)[k as string], (b as Record<string, unknown>)[k as string]),
  );
}
