/**
 * @module
 * `@weft/ui`: the live web view of weft runs. `weft ui` (the plugin's
 * command) serves it; `startUiServer` does the same from code. The page
 * and its API read one run store, so runs that any process records appear
 * and update live; every API request needs the server's token.
 */
export { uiCommand } from './command.ts';
export {
  UI_ERRORS,
  UiListenError,
  UiNoStoreError,
  UiOptionsError,
  UiPageMissingError,
  UiRequestError,
} from './errors.ts';
export {
  DEFAULT_PORT,
  isLoopback,
  type ResolvedUiOptions,
  resolveUiOptions,
  type UiServerOptions,
} from './options.ts';
export { startUiServer, type UiServer } from './server.ts';
export type * from './wire.ts';
