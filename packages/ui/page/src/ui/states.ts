/**
 * @module
 * The colours of task and run states (those of `weft graph`'s Mermaid and
 * DOT output), their order in counts, and the state that stands for a
 * group of tasks.
 */
import type { RunStateName, TaskStateName } from '../../../src/wire.ts';

/** Task states in the order counts are shown. */
export const TASK_STATES: readonly TaskStateName[] = [
  'running',
  'failed',
  'upstream_failed',
  'cancelled',
  'ready',
  'pending',
  'succeeded',
  'cached',
];

export const STATE_COLORS: Readonly<Record<TaskStateName, { fill: string; stroke: string }>> = {
  pending: { fill: '#f1f3f5', stroke: '#868e96' },
  ready: { fill: '#e7f5ff', stroke: '#1c7ed6' },
  running: { fill: '#fff3bf', stroke: '#f08c00' },
  succeeded: { fill: '#d3f9d8', stroke: '#2f9e44' },
  failed: { fill: '#ffe3e3', stroke: '#e03131' },
  upstream_failed: { fill: '#ffe8cc', stroke: '#e8590c' },
  cancelled: { fill: '#e9ecef', stroke: '#495057' },
  cached: { fill: '#e6fcf5', stroke: '#0ca678' },
};

export const RUN_COLORS: Readonly<Record<RunStateName, { fill: string; stroke: string }>> = {
  running: STATE_COLORS.running,
  interrupted: STATE_COLORS.upstream_failed,
  succeeded: STATE_COLORS.succeeded,
  failed: STATE_COLORS.failed,
  cancelled: STATE_COLORS.cancelled,
};

/** The state a group is drawn in: the most pressing one any of its tasks is in. */
const URGENCY: readonly TaskStateName[] = [
  'failed',
  'running',
  'ready',
  'pending',
  'upstream_failed',
  'cancelled',
  'succeeded',
  'cached',
];

export function groupState(
  counts: Readonly<Partial<Record<TaskStateName, number>>>,
): TaskStateName {
  return URGENCY.find((s) => (counts[s] ?? 0) > 0) ?? 'pending';
}

/** True for the states a task ends in. */
export function isFinal(state: TaskStateName): boolean {
  return state !== 'pending' && state !== 'ready' && state !== 'running';
}
