/**
 * @module
 * Values that must be one per process, however many copies of weft are
 * loaded in it (a task module may resolve `weft` to another copy than the
 * code that runs it): kept on `globalThis` under a registered symbol.
 */

/** The process-wide value registered under `name`, made by `make` the first time. */
export function processGlobal<T>(name: string, make: () => T): T {
  const key = Symbol.for(name);
  const g = globalThis as Record<symbol, unknown>;
  if (!(key in g)) g[key] = make();
  return g[key] as T;
}
