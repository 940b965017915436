/**
 * @module
 * `@weft/slurm` (in progress).
 */
export {};
