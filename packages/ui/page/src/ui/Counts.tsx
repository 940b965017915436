/**
 * @module
 * Tasks by state: a thin bar of coloured segments and the numbers.
 */
import type { TaskStateName } from '../../../src/wire.ts';
import { count } from './format.ts';
import { STATE_COLORS, TASK_STATES } from './states.ts';

export function Counts(props: {
  readonly counts: Readonly<Partial<Record<TaskStateName, number>>>;
  readonly bar?: boolean;
}) {
  const present = TASK_STATES.filter((s) => (props.counts[s] ?? 0) > 0);
  const total = present.reduce((n, s) => n + (props.counts[s] ?? 0), 0);
  return (
    <span className="counts">
      {props.bar === true && total > 0 && (
        <span className="counts-bar">
          {present.map((s) => (
            <span
              key={s}
              style={{
                width: `${(100 * (props.counts[s] ?? 0)) / total}%`,
                background: STATE_COLORS[s].stroke,
              }}
            />
          ))}
        </span>
      )}
      {present.length === 0 && <span className="muted">no tasks</span>}
      {present.map((s) => (
        <span key={s} className="count" data-state={s} title={s}>
          <i style={{ background: STATE_COLORS[s].stroke }} />
          {count(props.counts[s] ?? 0)} {s.replace('_', ' ')}
        </span>
      ))}
    </span>
  );
}
