/**
 * @module
 * Asks the layout worker (`layout.worker.ts`, one per page) to lay a graph
 * out. Replies come back in any order; each resolves its own request.
 */
import type { LayoutReply, LayoutRequest } from './layout-types.ts';

export type Layout = Extract<LayoutReply, { ok: true }>;

let worker: Worker | undefined;
let next = 0;
const waiting = new Map<number, { resolve: (l: Layout) => void; reject: (e: Error) => void }>();

function layoutWorker(): Worker {
  if (worker === undefined) {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<LayoutReply>) => {
      const w = waiting.get(e.data.id);
      if (w === undefined) return;
      waiting.delete(e.data.id);
      if (e.data.ok) w.resolve(e.data);
      else w.reject(new Error(`the graph could not be laid out: ${e.data.message}`));
    };
    worker.onerror = (e) => {
      for (const w of waiting.values())
        w.reject(new Error(`the layout worker failed: ${e.message}`));
      waiting.clear();
    };
  }
  return worker;
}

/** The layout of these nodes and edges. */
export function layoutGraph(
  nodes: LayoutRequest['nodes'],
  edges: LayoutRequest['edges'],
): Promise<Layout> {
  const id = next++;
  const request: LayoutRequest = {
    id,
    nodes: nodes.map((n) => ({ key: n.key, width: n.width, height: n.height })),
    edges: edges.map((e) => ({ from: e.from, to: e.to })),
  };
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    layoutWorker().postMessage(request);
  });
}
