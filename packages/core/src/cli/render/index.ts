/**
 * @module
 * Picks the renderer for a run: NDJSON with `json`, plain lines when the
 * output is not a terminal, `NO_COLOR` is set, `TERM=dumb` or `quiet`, and
 * the live terminal block otherwise.
 */
import { createJsonRenderer } from './json.ts';
import { createPlainRenderer } from './plain.ts';
import type { Renderer, RendererOptions } from './renderer.ts';
import { createTtyRenderer } from './tty.ts';

export { createJsonRenderer } from './json.ts';
export { createPlainRenderer, type PlainRendererOptions } from './plain.ts';
export type {
  RenderEnv,
  Renderer,
  RendererFactory,
  RendererOptions,
  RenderStream,
} from './renderer.ts';
export { createTtyRenderer, type TtyRendererOptions } from './tty.ts';

export interface ChooseRendererOptions extends RendererOptions {
  /** NDJSON events on `out` (`--json`). */
  readonly json?: boolean;
  /** Only failures and the summary (`--quiet`). */
  readonly quiet?: boolean;
}

/** Which renderer `createRenderer` picks for these options. */
export function rendererKind(options: ChooseRendererOptions): 'json' | 'plain' | 'tty' {
  const env = options.env ?? process.env;
  if (options.json) return 'json';
  if (options.quiet || options.out.isTTY !== true || env.NO_COLOR || env.TERM === 'dumb') {
    return 'plain';
  }
  return 'tty';
}

/**
 * The renderer for a run of the `weft` command.
 * @example
 * const renderer = createRenderer({ out: process.stdout, err: process.stderr, quiet: flags.quiet });
 */
export function createRenderer(options: ChooseRendererOptions): Renderer {
  switch (rendererKind(options)) {
    case 'json':
      return createJsonRenderer(options);
    case 'plain':
      return createPlainRenderer(options);
    case 'tty':
      return createTtyRenderer(options);
  }
}
