/**
 * @module
 * A run's page: its header and actions, its failures first, then its graph
 * or its timeline.
 */
import type { RunRow } from '../../../src/wire.ts';
import { GraphView } from '../graph/GraphView.tsx';
import { navigate, runPath } from '../router.ts';
import { Link } from '../ui/Link.tsx';
import { Actions } from './Actions.tsx';
import { Failures } from './Failures.tsx';
import { RunHeader } from './RunHeader.tsx';
import { TimelineView } from './TimelineView.tsx';
import type { RunData } from './useRun.ts';

export function RunPage(props: {
  readonly data: RunData & { readonly run: RunRow };
  readonly view: 'graph' | 'timeline';
  readonly canRerun: boolean;
}) {
  const { data, view } = props;
  const { run } = data;
  const tab = (name: 'graph' | 'timeline', text: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={view === name}
      className={view === name ? 'tab active' : 'tab'}
      onClick={() =>
        navigate(name === 'graph' ? runPath(run.id) : `${runPath(run.id)}?view=timeline`)
      }
    >
      {text}
    </button>
  );
  return (
    <main>
      <nav className="crumbs">
        <Link to="/">Runs</Link> › <span className="mono">{run.id}</span>
      </nav>
      <RunHeader
        run={run}
        stream={data.stream}
        finishedAt={data.finishedAt}
        receivedAt={data.runReceivedAt}
      />
      <Actions run={run} canRerun={props.canRerun} />
      <Failures runId={run.id} tasks={data.tasks} version={data.version} />
      {data.truncated && (
        <p className="muted">
          This run has more tasks than the page reads: the graph shows the first {data.tasks.size}.
        </p>
      )}
      <div className="tabs" role="tablist">
        {tab('graph', 'Graph')}
        {tab('timeline', 'Timeline')}
      </div>
      {view === 'graph' ? (
        <GraphView runId={run.id} tasks={data.tasks} version={data.version} />
      ) : (
        <TimelineView runId={run.id} version={data.version} />
      )}
    </main>
  );
}
