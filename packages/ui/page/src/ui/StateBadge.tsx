/**
 * @module
 * A state as a small coloured label.
 */
import type { RunStateName, TaskStateName } from '../../../src/wire.ts';
import { RUN_COLORS, STATE_COLORS } from './states.ts';

export function StateBadge(props: { readonly state: TaskStateName | RunStateName }) {
  const c =
    props.state in STATE_COLORS
      ? STATE_COLORS[props.state as TaskStateName]
      : RUN_COLORS[props.state as RunStateName];
  return (
    <span
      className="badge"
      data-state={props.state}
      style={{ background: c.fill, borderColor: c.stroke, color: '#212529' }}
    >
      {props.state.replace('_', ' ')}
    </span>
  );
}
