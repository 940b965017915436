/**
 * @module
 * The `@weft/ui` plugin, which the `weft` command loads when a project
 * declares the package (or lists it in `plugins` of its weft.config.ts):
 * the `weft ui` command and the package's error classes.
 */
import { definePlugin } from '@weft/core/cli';
import { uiCommand } from './command.ts';
import { UI_ERRORS } from './errors.ts';

export default definePlugin({
  name: '@weft/ui',
  commands: [uiCommand],
  errors: UI_ERRORS,
});
