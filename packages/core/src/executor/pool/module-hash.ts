/**
 * @module
 * What a worker checks before it loads a task module, so that it never runs
 * code other than the coordinator's: the module's local import graph (its
 * file and the project's files it imports, each with its content hash; see
 * `module-graph.ts`), as the files are now.
 */
import { moduleGraph } from './module-graph.ts';

/**
 * The local import graph of the module at `url` (a `file:` URL), hashed, as
 * `loadModule` takes it; throws when the module cannot be read.
 * @example
 * const loaded = await loadModule(url, moduleHash(url));
 */
export function moduleHash(url: string): string {
  return moduleGraph(url).token;
}
