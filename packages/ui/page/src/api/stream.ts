/**
 * @module
 * The live streams (Server-Sent Events) as callbacks. The browser
 * reconnects on its own after a dropped connection (resuming after the
 * last event id); an answer that is not a stream (401, 404) closes it.
 */
import { tokenUrl } from './client.ts';

/** How a stream is doing, for the page's "live" mark. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  /** One handler per event name; each gets the event's data, parsed. */
  readonly events: Readonly<Record<string, (data: unknown, id: string) => void>>;
  readonly status?: (status: StreamStatus) => void;
}

/** Opens the stream at `path`; returns how to close it. */
export function openStream(
  path: string,
  params: Record<string, string | number | undefined>,
  handlers: StreamHandlers,
): () => void {
  const source = new EventSource(tokenUrl(path, params));
  handlers.status?.('connecting');
  source.onopen = () => handlers.status?.('live');
  source.onerror = () =>
    handlers.status?.(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  for (const [name, handle] of Object.entries(handlers.events)) {
    source.addEventListener(name, (e) => {
      const message = e as MessageEvent<string>;
      handle(JSON.parse(message.data), message.lastEventId);
    });
  }
  return () => {
    source.close();
    handlers.status?.('closed');
  };
}
