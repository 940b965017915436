/**
 * @module
 * A task's attempts: when each started, on which worker, how long it took,
 * how it ended and with what error.
 */
import type { AttemptRow } from '../../../src/wire.ts';
import { duration, when } from '../ui/format.ts';

export function Attempts(props: { readonly attempts: readonly AttemptRow[] }) {
  if (props.attempts.length === 0) return <p className="muted">It has not started.</p>;
  return (
    <section>
      <h2>Attempts</h2>
      <table className="attempts" data-testid="attempts">
        <thead>
          <tr>
            <th>#</th>
            <th>Started</th>
            <th>Worker</th>
            <th>Duration</th>
            <th>Outcome</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {props.attempts.map((a) => (
            <tr key={a.attempt} data-outcome={a.outcome}>
              <td className="num">{a.attempt}</td>
              <td>{when(a.startedAt)}</td>
              <td>{a.worker ?? '–'}</td>
              <td className="num">{duration((a.endedAt ?? Date.now()) - a.startedAt)}</td>
              <td>{a.outcome}</td>
              <td className="error-text">
                {a.error === null ? '' : a.error.message.split('\n', 1)[0]}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
