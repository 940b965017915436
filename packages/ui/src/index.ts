/**
 * @module
 * `@weft/ui` (in progress).
 */
export {};
