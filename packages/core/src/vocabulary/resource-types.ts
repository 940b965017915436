/**
 * @module
 * The types of resources by name, for typed `ctx.resources` in tasks and
 * resources alike.
 */

/**
 * The resources' types by name, for typed `ctx.resources`. Augment it:
 * @example
 * declare module '@weft/core' {
 *   interface ResourceTypes { db: Database }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging.
export interface ResourceTypes {}

/** The typed values of resources `K`: from `ResourceTypes` where known. */
export type ResourcesFor<K extends string> = {
  readonly [P in K]: P extends keyof ResourceTypes ? ResourceTypes[P] : unknown;
};
