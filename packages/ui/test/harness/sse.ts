/**
 * @module
 * Reads a Server-Sent Events response in a test: the events as they come,
 * until one the test waits for.
 */

export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

/** Reads events from `response` until `done(event)` is true; returns every event read. */
export async function readEvents(
  response: Response,
  done: (event: SseEvent, all: readonly SseEvent[]) => boolean,
): Promise<SseEvent[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return events;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon <= 0) continue;
          const key = line.slice(0, colon);
          const text = line.slice(colon + 1).replace(/^ /, '');
          fields.set(key, fields.has(key) ? `${fields.get(key)}\n${text}` : text);
        }
        if (!fields.has('data')) continue;
        const event = {
          event: fields.get('event') ?? 'message',
          data: fields.get('data')!,
          id: fields.get('id'),
        };
        events.push(event);
        if (done(event, events)) return events;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
