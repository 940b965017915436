/**
 * @module
 * The NDJSON renderer (`--json`): one `JSON.stringify(event)` line per event
 * on `out`, nothing else, for programs reading a run's progress.
 */
import type { RunEvent } from '../../events/events.ts';
import type { Renderer, RendererOptions } from './renderer.ts';

/**
 * A renderer that writes each event as a line of JSON.
 * @example
 * const r = createJsonRenderer({ out: process.stdout });
 */
export function createJsonRenderer(options: RendererOptions): Renderer {
  const { out } = options;
  let done = false;
  return {
    event(e) {
      if (done) return;
      try {
        out.write(`${serialize(e)}\n`);
      } catch {
        // A renderer never throws (a broken output).
      }
      if (e?.type === 'run_finished') done = true;
    },
    close() {
      done = true;
    },
  };
}

/**
 * The event as JSON. Events are structured-cloneable, so log fields may hold
 * what JSON cannot (bigints, cycles): those become strings, not an error.
 */
function serialize(e: RunEvent): string {
  try {
    return JSON.stringify(e);
  } catch {
    const seen = new WeakSet<object>();
    return JSON.stringify(e, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return '[Circular]';
        seen.add(value);
      }
      return value;
    });
  }
}
