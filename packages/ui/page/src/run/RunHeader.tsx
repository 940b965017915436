/**
 * @module
 * The top of a run's page: its id and state, what it ran (workflow, mode,
 * executor, where), when and for how long, its tasks by state and its
 * throughput (tasks ended per second, lately and overall).
 */
import type { RunRow } from '../../../src/wire.ts';
import type { StreamStatus } from '../api/stream.ts';
import { runPath } from '../router.ts';
import { useTick } from '../runs/useRuns.ts';
import { Counts } from '../ui/Counts.tsx';
import { duration, when } from '../ui/format.ts';
import { Link } from '../ui/Link.tsx';
import { LiveMark } from '../ui/LiveMark.tsx';
import { StateBadge } from '../ui/StateBadge.tsx';
import { isFinal } from '../ui/states.ts';

const WINDOW_MS = 10_000;

function throughput(run: RunRow, finishedAt: readonly number[], now: number): string {
  let done = 0;
  for (const [state, n] of Object.entries(run.counts)) {
    if (isFinal(state as keyof RunRow['counts'])) done += n;
  }
  const overall = run.activeMs > 0 ? (done * 1000) / run.activeMs : 0;
  const recent = finishedAt.filter((t) => t > now - WINDOW_MS).length / (WINDOW_MS / 1000);
  const overallText = `${overall.toFixed(1)} tasks/s overall`;
  return run.state === 'running'
    ? `${recent.toFixed(1)} tasks/s in the last 10 s · ${overallText}`
    : overallText;
}

export function RunHeader(props: {
  readonly run: RunRow;
  readonly stream: StreamStatus;
  readonly finishedAt: readonly number[];
  readonly receivedAt: number;
}) {
  const { run } = props;
  const running = run.state === 'running';
  const now = useTick(running);
  return (
    <header className="run-header">
      <div className="title-row">
        <h1 className="mono">{run.id}</h1>
        <StateBadge state={run.state} />
        <LiveMark status={props.stream} />
      </div>
      <dl className="meta">
        <dt>workflow</dt>
        <dd className="mono">{run.workflow ?? '–'}</dd>
        <dt>mode</dt>
        <dd>{run.mode ?? '–'}</dd>
        <dt>executor</dt>
        <dd>{run.executor}</dd>
        <dt>started</dt>
        <dd>{when(run.startedAt)}</dd>
        <dt>duration</dt>
        <dd>
          {duration(running ? run.activeMs + Math.max(0, now - props.receivedAt) : run.activeMs)}
        </dd>
        <dt>process</dt>
        <dd>
          {run.host} pid {run.pid}
          {run.sessions > 1 && ` · ${run.sessions} sessions`}
        </dd>
        {run.rerunOf !== null && (
          <>
            <dt>rerun of</dt>
            <dd>
              <Link to={runPath(run.rerunOf)} className="mono">
                {run.rerunOf}
              </Link>
            </dd>
          </>
        )}
      </dl>
      <div className="run-counts">
        <Counts counts={run.counts} bar />
        <span className="muted" data-testid="throughput">
          {throughput(run, props.finishedAt, now)}
        </span>
      </div>
    </header>
  );
}
