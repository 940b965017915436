/**
 * @module
 * The runs table: state, id, workflow, mode, executor, tasks by state,
 * start and duration (growing for a running run).
 */
import type { RunRow } from '../../../src/wire.ts';
import { runPath } from '../router.ts';
import { Counts } from '../ui/Counts.tsx';
import { baseName, duration, when } from '../ui/format.ts';
import { Link } from '../ui/Link.tsx';
import { StateBadge } from '../ui/StateBadge.tsx';

export function RunsTable(props: {
  readonly runs: readonly RunRow[];
  readonly now: number;
  readonly receivedAt: number;
}) {
  return (
    <table className="runs" data-testid="runs-table">
      <thead>
        <tr>
          <th>State</th>
          <th>Run</th>
          <th>Workflow</th>
          <th>Mode</th>
          <th>Executor</th>
          <th>Tasks</th>
          <th>Started</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {props.runs.map((r) => (
          <tr key={r.id} data-run={r.id} data-state={r.state}>
            <td>
              <StateBadge state={r.state} />
            </td>
            <td className="mono">
              <Link to={runPath(r.id)}>{r.id}</Link>
              {r.rerunOf !== null && <span className="muted"> (rerun of {r.rerunOf})</span>}
            </td>
            <td title={r.workflow ?? ''}>{baseName(r.workflow)}</td>
            <td>{r.mode ?? '–'}</td>
            <td>{r.executor}</td>
            <td>
              <Counts counts={r.counts} />
            </td>
            <td>{when(r.startedAt)}</td>
            <td className="num">
              {duration(
                r.state === 'running'
                  ? r.activeMs + Math.max(0, props.now - props.receivedAt)
                  : r.activeMs,
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
