/**
 * @module
 * A run's timeline (Gantt): a block per worker, a bar per attempt
 * (`timeline-model.ts` packs overlapping ones into lanes), coloured by how
 * it ended, drawn on a canvas (a run's attempts can be many). Read again, at most every two seconds, while the run changes.
 * Clicking a bar opens its task.
 */
import { type MouseEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { AttemptBar, Timeline } from '../../../src/wire.ts';
import { getJson } from '../api/client.ts';
import { navigate, runPath } from '../router.ts';
import { count, duration } from '../ui/format.ts';
import { STATE_COLORS } from '../ui/states.ts';
import { LANE, layoutTimeline, type PlacedBar } from './timeline-model.ts';

const LABEL = 150;
const AXIS = 22;
const REFRESH_MS = 2000;

const OUTCOME_COLOR: Readonly<Record<AttemptBar['outcome'], string>> = {
  running: STATE_COLORS.running.stroke,
  succeeded: STATE_COLORS.succeeded.stroke,
  failed: STATE_COLORS.failed.stroke,
  retrying: STATE_COLORS.upstream_failed.stroke,
  cancelled: STATE_COLORS.cancelled.stroke,
};

/** The run's attempts: read once, and again (at most every two seconds) as `version` moves. */
function useTimeline(runId: string, version: number): Timeline | Error | undefined {
  const [data, setData] = useState<Timeline | Error | undefined>(undefined);
  const last = useRef(0);
  const scheduled = useRef<number | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version says when to read again
  useEffect(() => {
    if (scheduled.current !== undefined) return;
    scheduled.current = window.setTimeout(
      () => {
        scheduled.current = undefined;
        last.current = Date.now();
        getJson<Timeline>(`/api/runs/${encodeURIComponent(runId)}/timeline`).then(setData, setData);
      },
      Math.max(0, last.current + REFRESH_MS - Date.now()),
    );
  }, [runId, version]);
  useEffect(
    () => () => {
      window.clearTimeout(scheduled.current);
      scheduled.current = undefined;
    },
    [],
  );
  return data;
}

export function TimelineView(props: { readonly runId: string; readonly version: number }) {
  const data = useTimeline(props.runId, props.version);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<AttemptBar | undefined>(undefined);
  const bars = data instanceof Error || data === undefined ? [] : data.bars;
  const layout = useMemo(() => layoutTimeline(bars, Date.now()), [bars]);
  const plotWidth = (width: number) => width - LABEL - 12;
  const xOf = (t: number, width: number) =>
    LABEL + ((t - layout.start) / layout.span) * plotWidth(width);

  // biome-ignore lint/correctness/useExhaustiveDependencies: xOf follows layout
  useEffect(() => {
    const el = canvas.current;
    if (el === null || bars.length === 0) return;
    const width = el.parentElement?.clientWidth ?? 800;
    const height = AXIS + layout.height;
    const ratio = window.devicePixelRatio || 1;
    el.width = width * ratio;
    el.height = height * ratio;
    el.style.width = `${width}px`;
    el.style.height = `${height}px`;
    const g = el.getContext('2d');
    if (g === null) return;
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, height);
    g.font = '12px system-ui, sans-serif';
    for (let i = 0; i <= 4; i++) {
      const x = LABEL + (plotWidth(width) * i) / 4;
      g.fillStyle = '#dee2e6';
      g.fillRect(x, AXIS - 4, 1, height);
      g.fillStyle = '#495057';
      g.textAlign = i === 4 ? 'right' : 'left';
      g.fillText(duration((layout.span * i) / 4), i === 4 ? x : x + 3, 14);
    }
    g.textAlign = 'left';
    for (const b of layout.blocks) {
      g.fillStyle = '#f1f3f5';
      g.fillRect(0, AXIS + b.top + b.height - 1, width, 1);
      g.fillStyle = '#495057';
      g.fillText(
        b.worker.length > 22 ? `${b.worker.slice(0, 21)}…` : b.worker,
        4,
        AXIS + b.top + 15,
      );
    }
    for (const p of layout.placed) {
      const x = xOf(p.bar.start, width);
      const w = Math.max(1.5, xOf(p.bar.end ?? Date.now(), width) - x);
      g.fillStyle = OUTCOME_COLOR[p.bar.outcome];
      g.fillRect(x, AXIS + p.y, w, LANE - 2);
    }
  }, [bars, layout]);

  if (data instanceof Error) return <p className="error">{data.message}</p>;
  if (data === undefined) return <p className="muted">Reading the attempts…</p>;
  if (bars.length === 0) return <p className="muted">No task has started yet.</p>;

  const barAt = (e: MouseEvent<HTMLCanvasElement>): AttemptBar | undefined => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top - AXIS;
    const slack = 2;
    const hit = (p: PlacedBar) =>
      y >= p.y - 1 &&
      y <= p.y + LANE &&
      x >= xOf(p.bar.start, box.width) - slack &&
      x <=
        Math.max(xOf(p.bar.end ?? Date.now(), box.width), xOf(p.bar.start, box.width) + 1.5) +
          slack;
    // The last drawn is on top.
    for (let i = layout.placed.length - 1; i >= 0; i--) {
      if (hit(layout.placed[i]!)) return layout.placed[i]!.bar;
    }
    return undefined;
  };
  const workers = layout.blocks.length;
  return (
    <div className="timeline" data-testid="timeline">
      <p className="muted">
        {count(bars.length)} attempts on {count(workers)} {workers === 1 ? 'worker' : 'workers'}
        {data.truncated && ' (the first ones: the run has more)'} ·{' '}
        {hover === undefined
          ? 'point at a bar'
          : `${hover.name} #${hover.task}, attempt ${hover.attempt}: ${hover.outcome}, ${duration((hover.end ?? Date.now()) - hover.start)}`}
      </p>
      <canvas
        ref={canvas}
        onMouseMove={(e) => setHover(barAt(e))}
        onClick={(e) => {
          const b = barAt(e);
          if (b !== undefined) navigate(runPath(props.runId, b.task));
        }}
      />
    </div>
  );
}
