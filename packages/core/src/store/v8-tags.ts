/**
 * @module
 * The tags of V8's serialization format (`src/objects/value-serializer.cc`)
 * for plain data, shared by `plain-serializer.ts` and `plain-deserializer.ts`.
 */
export const VERSION_TAG = 0xff;
export const PADDING = 0x00;
export const UNDEFINED = 0x5f; // '_'
export const NULL = 0x30; // '0'
export const TRUE = 0x54; // 'T'
export const FALSE = 0x46; // 'F'
export const INT32 = 0x49; // 'I'
export const DOUBLE = 0x4e; // 'N'
export const ONE_BYTE_STRING = 0x22; // '"'
export const TWO_BYTE_STRING = 0x63; // 'c'
export const BEGIN_OBJECT = 0x6f; // 'o'
export const END_OBJECT = 0x7b; // '{'
export const BEGIN_DENSE_ARRAY = 0x41; // 'A'
export const END_DENSE_ARRAY = 0x24; // '$'
/** The deepest nesting either side handles itself; deeper is left to V8. */
export const MAX_DEPTH = 64;
