/**
 * @module
 * A run's graph, live: the drawn graph (`model.ts`) recomputed as tasks
 * change, laid out in the worker whenever its shape changes (one layout at
 * a time; the newest shape is laid out next), recoloured on every change.
 * Clicking a group expands it; clicking a task opens its page. When a
 * layout is drawn, the time since the page started (and since the click,
 * for an expansion) is written on the SVG element (`data-drawn-at`,
 * `data-expand-ms`), where the tests read it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TaskNode } from '../../../src/wire.ts';
import { navigate, runPath } from '../router.ts';
import { count, duration } from '../ui/format.ts';
import { GraphEdges, GraphNode, type NodeClick } from './GraphNodes.tsx';
import { type Layout, layoutGraph } from './layout.ts';
import { type DrawnEdge, drawnGraph } from './model.ts';
import { usePanZoom } from './usePanZoom.ts';

interface Laid {
  readonly shape: string;
  readonly layout: Layout;
  readonly edges: readonly DrawnEdge[];
  readonly ms: number;
}

export function GraphView(props: {
  readonly runId: string;
  readonly tasks: ReadonlyMap<number, TaskNode>;
  readonly version: number;
}) {
  const { runId, tasks, version } = props;
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // biome-ignore lint/correctness/useExhaustiveDependencies: the tasks map changes in place; version counts its changes
  const graph = useMemo(() => drawnGraph(tasks.values(), expanded), [tasks, version, expanded]);
  const [laid, setLaid] = useState<Laid | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const svg = useRef<SVGSVGElement>(null);
  const pz = usePanZoom(svg);
  const inFlight = useRef(false);
  const wantFit = useRef(true);
  const clickedAt = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (inFlight.current || laid?.shape === graph.shape || graph.nodes.length === 0) return;
    inFlight.current = true;
    const g = graph;
    const t0 = performance.now();
    layoutGraph(g.nodes, g.edges).then(
      (layout) => {
        inFlight.current = false;
        setLaid({ shape: g.shape, layout, edges: g.edges, ms: performance.now() - t0 });
      },
      (e: Error) => {
        inFlight.current = false;
        setError(e.message);
      },
    );
  }, [graph, laid]);

  useEffect(() => {
    if (laid === undefined) return;
    if (wantFit.current || !pz.touched.current) {
      wantFit.current = false;
      pz.fit(laid.layout.width, laid.layout.height, svg.current?.getBoundingClientRect());
    }
    const frame = requestAnimationFrame(() => {
      const el = svg.current;
      if (el === null) return;
      const now = performance.now();
      el.dataset.drawnAt = now.toFixed(0);
      el.dataset.layoutMs = laid.ms.toFixed(0);
      if (clickedAt.current !== undefined) {
        el.dataset.expandMs = (now - clickedAt.current).toFixed(0);
        clickedAt.current = undefined;
      }
      el.dataset.ready = 'true';
    });
    return () => cancelAnimationFrame(frame);
  }, [laid, pz.fit, pz.touched]);

  const toggle = useCallback((name: string) => {
    clickedAt.current = performance.now();
    wantFit.current = true;
    setExpanded((e) => {
      const next = new Set(e);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  }, []);

  const onNode = useCallback<NodeClick>(
    (node, taskId) => {
      if (pz.dragged()) return;
      if (taskId !== undefined) navigate(runPath(runId, taskId));
      else toggle(node.name);
    },
    [pz.dragged, toggle, runId],
  );

  if (error !== undefined) return <p className="error">{error}</p>;
  if (graph.nodes.length === 0) return <p className="muted">No task was submitted yet.</p>;
  const { x, y, k } = pz.view;
  return (
    <div className="graph-wrap">
      <div className="graph-bar">
        <span className="muted" data-testid="graph-summary">
          {graph.grouped
            ? `${count(tasks.size)} tasks, grouped by name (click a group to expand it, its title to collapse it)`
            : `${count(tasks.size)} tasks`}
          {laid !== undefined && ` · layout ${duration(laid.ms)}`}
        </span>
        {[...expanded].map((name) => (
          <button type="button" key={name} className="chip" onClick={() => toggle(name)}>
            {name} ✕
          </button>
        ))}
        <button
          type="button"
          onClick={() =>
            laid &&
            pz.fit(laid.layout.width, laid.layout.height, svg.current?.getBoundingClientRect())
          }
        >
          Fit
        </button>
      </div>
      <svg
        ref={svg}
        className="graph"
        data-testid="graph"
        data-grouped={graph.grouped}
        data-ready="false"
        onPointerDown={pz.onPointerDown}
        onPointerMove={pz.onPointerMove}
        onPointerUp={pz.onPointerUp}
      >
        <title>{`The task graph of run ${runId}`}</title>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="9"
            markerHeight="9"
            markerUnits="userSpaceOnUse"
            orient="auto"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#868e96" />
          </marker>
        </defs>
        {laid === undefined ? (
          <text x={20} y={30} className="muted">
            Laying out {count(graph.nodes.length)} nodes…
          </text>
        ) : (
          <g transform={`translate(${x},${y}) scale(${k})`}>
            <GraphEdges edges={laid.edges} layout={laid.layout} />
            {graph.nodes.map((n) => {
              const p = laid.layout.positions[n.key];
              return p === undefined ? null : (
                <GraphNode key={n.key} node={n} x={p.x} y={p.y} onClick={onNode} />
              );
            })}
          </g>
        )}
      </svg>
    </div>
  );
}
