/**
 * @module
 * The drawn nodes and edges of the graph, in SVG: a task is a box in its
 * state's colours; a group is a larger box with its name, how many tasks
 * it holds and a bar of their states; an expanded group is a box of tiles,
 * one per task. Edges are polylines, thicker when they stand for many task
 * edges.
 */
import { memo, type ReactNode } from 'react';
import type { TaskNode } from '../../../src/wire.ts';
import { count } from '../ui/format.ts';
import { STATE_COLORS, TASK_STATES } from '../ui/states.ts';
import type { Layout } from './layout.ts';
import { type DrawnEdge, type DrawnNode, TILE } from './model.ts';

/** What a click on a node, or on a tile of an expanded group (`taskId`), does. */
export type NodeClick = (node: DrawnNode, taskId?: number) => void;

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

function summary(node: DrawnNode): string {
  return TASK_STATES.filter((s) => (node.counts?.[s] ?? 0) > 0)
    .slice(0, 2)
    .map((s) => `${count(node.counts?.[s] ?? 0)} ${s.replace('_', ' ')}`)
    .join(' · ');
}

function StateBar(props: { readonly node: DrawnNode; readonly y: number }) {
  const { node } = props;
  const total = Math.max(1, node.total ?? 0);
  const width = node.width - 16;
  let x = 8;
  return (
    <g>
      {TASK_STATES.filter((s) => (node.counts?.[s] ?? 0) > 0).map((s) => {
        const w = (width * (node.counts?.[s] ?? 0)) / total;
        const bar = (
          <rect key={s} x={x} y={props.y} width={w} height={5} fill={STATE_COLORS[s].stroke} />
        );
        x += w;
        return bar;
      })}
    </g>
  );
}

/** A clickable SVG group (an SVG element cannot be a <button>). */
function Clickable(props: {
  readonly onClick: () => void;
  readonly children: ReactNode;
  readonly data: Readonly<Record<string, string | number | undefined>>;
  readonly transform?: string;
  readonly className?: string;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: inside an SVG drawing a group is the node; it cannot be a <button>
    <g
      role="button"
      tabIndex={0}
      className={props.className}
      transform={props.transform}
      onClick={props.onClick}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') props.onClick();
      }}
      {...props.data}
    >
      {props.children}
    </g>
  );
}

function Tile(props: {
  readonly task: TaskNode;
  readonly index: number;
  readonly onClick: () => void;
}) {
  const { task } = props;
  const c = STATE_COLORS[task.state];
  const x = TILE.gap + (props.index % TILE.columns) * (TILE.width + TILE.gap);
  const y =
    TILE.header + TILE.gap + Math.floor(props.index / TILE.columns) * (TILE.height + TILE.gap);
  const title = task.label ?? `${task.name} #${task.id}`;
  return (
    <Clickable
      onClick={props.onClick}
      transform={`translate(${x},${y})`}
      className="node tile"
      data={{
        'data-key': `t${task.id}`,
        'data-kind': 'task',
        'data-name': task.name,
        'data-state': task.state,
      }}
    >
      <title>{`${title}: ${task.state}`}</title>
      <rect
        width={TILE.width}
        height={TILE.height}
        rx={4}
        fill={c.fill}
        stroke={c.stroke}
        strokeWidth={1.2}
      />
      <text x={6} y={19} className="node-sub">
        {clip(title, 20)}
      </text>
    </Clickable>
  );
}

export const GraphNode = memo(function GraphNode(props: {
  readonly node: DrawnNode;
  readonly x: number;
  readonly y: number;
  readonly onClick: NodeClick;
}) {
  const { node, onClick } = props;
  const c = STATE_COLORS[node.state];
  const data = {
    'data-key': node.key,
    'data-kind': node.kind,
    'data-name': node.name,
    'data-state': node.state,
  };
  if (node.kind === 'expanded') {
    return (
      <g transform={`translate(${props.x},${props.y})`} className="expanded" {...data}>
        <rect
          width={node.width}
          height={node.height}
          rx={8}
          fill="#fff"
          stroke={c.stroke}
          strokeWidth={2}
          strokeDasharray="6 3"
        />
        <Clickable
          onClick={() => onClick(node)}
          className="node"
          data={{ 'data-collapse': node.name }}
        >
          <title>{`${node.title}: click to collapse`}</title>
          <rect width={node.width} height={TILE.header} rx={8} fill={c.fill} />
          <text x={10} y={19} className="node-title">
            {node.title} · {summary(node)} ✕
          </text>
        </Clickable>
        {(node.tiles ?? []).map((t, i) => (
          <Tile key={t.id} task={t} index={i} onClick={() => onClick(node, t.id)} />
        ))}
      </g>
    );
  }
  const group = node.kind === 'group';
  return (
    <Clickable
      onClick={() => onClick(node, node.taskId)}
      transform={`translate(${props.x},${props.y})`}
      className={`node node-${node.kind}`}
      data={{ ...data, 'data-task-id': node.taskId }}
    >
      <title>
        {group
          ? `${node.title}: ${count(node.total ?? 0)} tasks (${summary(node)})`
          : `${node.title}: ${node.state}`}
      </title>
      <rect
        width={node.width}
        height={node.height}
        rx={group ? 8 : 5}
        fill={c.fill}
        stroke={c.stroke}
        strokeWidth={group ? 2.5 : 1.5}
      />
      <text x={8} y={16} className="node-title">
        {clip(group ? `${node.name} ×${count(node.total ?? 0)}` : node.title, group ? 28 : 24)}
      </text>
      <text x={8} y={31} className="node-sub">
        {group ? clip(summary(node), 34) : node.state.replace('_', ' ')}
      </text>
      {group && <StateBar node={node} y={node.height - 12} />}
    </Clickable>
  );
});

export function GraphEdges(props: {
  readonly edges: readonly DrawnEdge[];
  readonly layout: Layout;
}) {
  return (
    <g className="edges">
      {props.edges.map((e, i) => {
        const route = props.layout.routes[i];
        if (route === undefined || route.length < 2) return null;
        return (
          <polyline
            key={`${e.from}>${e.to}`}
            points={route.map(([x, y]) => `${x},${y}`).join(' ')}
            strokeWidth={1 + Math.log10(e.count)}
            markerEnd="url(#arrow)"
          >
            {e.count > 1 && <title>{`${count(e.count)} edges`}</title>}
          </polyline>
        );
      })}
    </g>
  );
}
