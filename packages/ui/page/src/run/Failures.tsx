/**
 * @module
 * The failures of a run, first thing on its page: the failed tasks with
 * their errors (the first ones, by when they failed), and how many tasks
 * did not run because of them.
 */
import { useMemo } from 'react';
import type { TaskNode } from '../../../src/wire.ts';
import { runPath } from '../router.ts';
import { count } from '../ui/format.ts';
import { Link } from '../ui/Link.tsx';

const SHOWN = 8;

export function Failures(props: {
  readonly runId: string;
  readonly tasks: ReadonlyMap<number, TaskNode>;
  readonly version: number;
}) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: the tasks map changes in place; version counts its changes
  const { failed, upstream } = useMemo(() => {
    const failed: TaskNode[] = [];
    let upstream = 0;
    for (const t of props.tasks.values()) {
      if (t.state === 'failed') failed.push(t);
      else if (t.state === 'upstream_failed') upstream++;
    }
    failed.sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0) || a.id - b.id);
    return { failed, upstream };
  }, [props.tasks, props.version]);
  if (failed.length === 0) return null;
  return (
    <section className="failures" data-testid="failures">
      <h2>
        {count(failed.length)} failed {failed.length === 1 ? 'task' : 'tasks'}
        {upstream > 0 && (
          <span className="muted"> · {count(upstream)} did not run because of them</span>
        )}
      </h2>
      <ul>
        {failed.slice(0, SHOWN).map((t) => (
          <li key={t.id}>
            <Link to={runPath(props.runId, t.id)} className="mono">
              {t.label ?? `${t.name} #${t.id}`}
            </Link>{' '}
            <span className="error-text">{t.error ?? ''}</span>
          </li>
        ))}
      </ul>
      {failed.length > SHOWN && <p className="muted">and {count(failed.length - SHOWN)} more</p>}
    </section>
  );
}
