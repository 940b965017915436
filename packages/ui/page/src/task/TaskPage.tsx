/**
 * @module
 * A task's page: its state, where it ran, its attempts with their errors
 * and durations, what it took (its inputs, its other arguments, its
 * requirements), what it returned (size, where it is kept,
 * a preview, a download) and its logs, following live. Read again when
 * the run's stream says the task changed.
 */
import { useEffect, useState } from 'react';
import type { TaskDetail, TaskNode } from '../../../src/wire.ts';
import { ApiError, getJson } from '../api/client.ts';
import { runPath } from '../router.ts';
import { duration, when } from '../ui/format.ts';
import { Link } from '../ui/Link.tsx';
import { StateBadge } from '../ui/StateBadge.tsx';
import { Attempts } from './Attempts.tsx';
import { LogView } from './LogView.tsx';
import { ResultView } from './ResultView.tsx';

export function TaskPage(props: {
  readonly runId: string;
  readonly taskId: number;
  /** The task as the run's live data has it: a change to it reads the detail again. */
  readonly live: TaskNode | undefined;
}) {
  const { runId, taskId, live } = props;
  const [detail, setDetail] = useState<TaskDetail | Error | undefined>(undefined);
  const changed = live === undefined ? '' : `${live.state}|${live.attempts}|${live.endedAt}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `changed` says when the task changed
  useEffect(() => {
    let current = true;
    getJson<TaskDetail>(`/api/runs/${encodeURIComponent(runId)}/tasks/${taskId}`).then(
      (d) => current && setDetail(d),
      (e: Error) => current && setDetail(e),
    );
    return () => {
      current = false;
    };
  }, [runId, taskId, changed]);

  const crumbs = (
    <nav className="crumbs">
      <Link to="/">Runs</Link> ›{' '}
      <Link to={runPath(runId)} className="mono">
        {runId}
      </Link>{' '}
      › task #{taskId}
    </nav>
  );
  if (detail instanceof Error) {
    return (
      <main>
        {crumbs}
        <h1>{detail instanceof ApiError && detail.status === 404 ? 'No such task' : 'Error'}</h1>
        <p className="error" data-testid="not-found">
          {detail.message}
        </p>
      </main>
    );
  }
  if (detail === undefined)
    return (
      <main>
        {crumbs}
        <p className="muted">Loading the task…</p>
      </main>
    );
  const t = detail.task;
  return (
    <main data-testid="task-page">
      {crumbs}
      <div className="title-row">
        <h1 className="mono">{t.label ?? `${t.name} #${t.id}`}</h1>
        <StateBadge state={t.state} />
      </div>
      <dl className="meta">
        <dt>task</dt>
        <dd className="mono">
          {t.name} #{t.id}
        </dd>
        <dt>worker</dt>
        <dd>{t.worker ?? '–'}</dd>
        <dt>submitted</dt>
        <dd>{when(detail.submittedAt)}</dd>
        <dt>ran</dt>
        <dd>
          {when(t.startedAt)} for{' '}
          {duration(t.startedAt === null ? null : (t.endedAt ?? Date.now()) - t.startedAt)}
        </dd>
        <dt>inputs</dt>
        <dd>
          {detail.inputs.length === 0
            ? 'none'
            : detail.inputs.map((i) => (
                <span key={i.id} className="input">
                  <Link to={runPath(runId, i.id)} className="mono">
                    {i.label ?? `${i.name} #${i.id}`}
                  </Link>{' '}
                  ({i.state.replace('_', ' ')})
                </span>
              ))}
        </dd>
        <dt>arguments</dt>
        <dd className="mono">{detail.args}</dd>
        {detail.requirements !== null && (
          <>
            <dt>requirements</dt>
            <dd>
              {Object.entries(detail.requirements)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}
            </dd>
          </>
        )}
        {detail.cachedFrom !== null && (
          <>
            <dt>result from</dt>
            <dd>
              <Link
                to={runPath(detail.cachedFrom.runId, detail.cachedFrom.taskId)}
                className="mono"
              >
                {detail.cachedFrom.runId} #{detail.cachedFrom.taskId}
              </Link>
            </dd>
          </>
        )}
      </dl>
      {detail.errorDetail !== null && (
        <section className="failure">
          <h2>{detail.errorDetail.code ?? detail.errorDetail.name}</h2>
          <pre className="error-text">{detail.errorDetail.message}</pre>
          {detail.errorDetail.stack !== null && (
            <details>
              <summary>stack</summary>
              <pre>{detail.errorDetail.stack}</pre>
            </details>
          )}
        </section>
      )}
      <Attempts attempts={detail.attempts} />
      <ResultView runId={runId} taskId={taskId} result={detail.result} />
      <LogView runId={runId} taskId={taskId} />
    </main>
  );
}
