/**
 * @module
 * A run's pages: the run's data is read once and followed live (`useRun`)
 * while the user moves between the run and its tasks. A run that is not
 * recorded gets a page that says so.
 */
import type { RunRow } from '../../../src/wire.ts';
import { ApiError } from '../api/client.ts';
import type { Route } from '../router.ts';
import { TaskPage } from '../task/TaskPage.tsx';
import { Link } from '../ui/Link.tsx';
import { RunPage } from './RunPage.tsx';
import { type RunData, useRun } from './useRun.ts';

export function RunRoute(props: {
  readonly route: Extract<Route, { page: 'run' | 'task' }>;
  readonly canRerun: boolean;
}) {
  const { route } = props;
  const data = useRun(route.runId);
  if (data.status === 'error') {
    const missing = data.error instanceof ApiError && data.error.status === 404;
    return (
      <main>
        <nav className="crumbs">
          <Link to="/">Runs</Link>
        </nav>
        <h1>{missing ? 'No such run' : 'The run cannot be shown'}</h1>
        <p className="error" data-testid="not-found">
          {data.error?.message}
        </p>
        <p>
          <Link to="/">See the recorded runs.</Link>
        </p>
      </main>
    );
  }
  if (data.run === undefined) {
    return (
      <main>
        <p className="muted">Loading run {route.runId}…</p>
      </main>
    );
  }
  const ready = data as RunData & { readonly run: RunRow };
  if (route.page === 'task') {
    return (
      <TaskPage runId={ready.run.id} taskId={route.taskId} live={ready.tasks.get(route.taskId)} />
    );
  }
  return <RunPage data={ready} view={route.view} canRerun={props.canRerun} />;
}
