/**
 * @module
 * The layers of `@weft/core`, bottom first: a folder of `packages/core/src`
 * may import only from folders of lower layers (and from itself). Folders in
 * one layer do not import each other. `scripts/check-imports.ts` enforces it;
 * the README's layout section explains each folder.
 */
export const CORE_LAYERS: readonly (readonly string[])[] = [
  // The errors every layer raises, and small helpers.
  ['errors'],
  ['util'],
  // The shared vocabulary: task definitions, requirements, states, logger,
  // version, node references and the submit scope.
  ['vocabulary'],
  // Beside the engine: the integer graph, events, resources.
  ['graph', 'events', 'resources'],
  // Executors (the seam, in-process, the worker pool), run and artifact
  // stores, command-line tasks.
  ['executor', 'store', 'command'],
  // Configuration files and modes (they name executors).
  ['config'],
  // The worker runtime: runs tasks in another thread, process or machine.
  ['worker'],
  // The scheduler, then the cache (a behaviour in its dispatch chain).
  ['scheduler'],
  ['cache'],
  // The run coordinator: a run's resources, recording, resume, cancel.
  ['coordinator'],
  // Front ends: futures (submit), and those to come.
  ['frontends'],
  // The weft command.
  ['cli'],
  // The package's entry point (files directly in src/).
  ['.'],
  // The conformance suites (`@weft/core/testing`), built on the public API.
  ['testing'],
];
