/**
 * @module
 * `@weft/core/cli`: what a plugin adds to the `weft` command. A plugin
 * module's default export is `definePlugin({ name, commands, executors,
 * errors })`; commands get the run store as the reading commands open it,
 * and report with the exit codes of the `weft` command. The `Renderer` seam
 * draws a run's events (its contract suite is in `@weft/core/testing`).
 */
export { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './cli/errors.ts';
export {
  BUILT_IN_COMMANDS,
  type CommandArgument,
  type CommandContext,
  type CommandDefinition,
  type CommandOption,
  definePlugin,
  registerCommand,
  usePlugin,
  type WeftPlugin,
} from './cli/plugin.ts';
export { createRenderer } from './cli/render/index.ts';
export type {
  RenderEnv,
  Renderer,
  RendererFactory,
  RendererOptions,
  RenderStream,
} from './cli/render/renderer.ts';
export { findRun, type OpenStore, openStore, type StoreChoice } from './cli/store.ts';
export { UsageError } from './errors/usage.ts';
