/**
 * @module
 * The graph's layout, off the main thread: elkjs's layered algorithm
 * (top to bottom, polyline edges, model order kept where it can be, so a
 * graph that grows keeps its shape).
 */
import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { LayoutReply, LayoutRequest } from './layout-types.ts';

const elk = new ELK();

const OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'POLYLINE',
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '48',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

function reply(message: LayoutReply): void {
  self.postMessage(message);
}

self.onmessage = async (e: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = e.data;
  try {
    const input: ElkNode = {
      id: 'root',
      layoutOptions: OPTIONS,
      children: nodes.map((n) => ({ id: n.key, width: n.width, height: n.height })),
      edges: edges.map((edge, i) => ({ id: `e${i}`, sources: [edge.from], targets: [edge.to] })),
    };
    const graph = await elk.layout(input);
    const positions: Record<string, { x: number; y: number }> = {};
    for (const c of graph.children ?? []) positions[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
    const routes: [number, number][][] = edges.map(() => []);
    for (const edge of graph.edges ?? []) {
      const section = edge.sections?.[0];
      if (section === undefined) continue;
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
      routes[Number(edge.id.slice(1))] = points.map((p) => [p.x, p.y]);
    }
    reply({ id, ok: true, width: graph.width ?? 0, height: graph.height ?? 0, positions, routes });
  } catch (error) {
    reply({ id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
};
