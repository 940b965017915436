/**
 * @module
 * `@weft/queue` (in progress).
 */
export {};
