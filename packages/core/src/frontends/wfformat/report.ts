/**
 * @module
 * What a run of an instance reports at its end: its makespan beside the
 * lower bound for the cores it ran with (`graph/makespan-bound.ts`: at
 * least max(critical path, work / cores)),
 * the list-schedule estimate, and the tasks' outcomes; and that report as
 * one line of text, as `weft run` prints it.
 */
import type { BoundArgument } from '../../graph/makespan-bound.ts';
import type { WfMode } from './settings.ts';

/** The numbers of a run of an instance; times in seconds of the run (scaled runtimes). */
export interface WfReport {
  /** The instance's name. */
  readonly name: string;
  readonly tasks: number;
  readonly mode: WfMode;
  readonly timeScale: number;
  /** The capacity the bound is for. */
  readonly cores: number;
  readonly order: 'longest-path' | 'fifo';
  /** From the first node added to the last one final, as the run's main code saw it. */
  readonly makespanSeconds: number;
  /** No schedule on `cores` cores ends sooner. */
  readonly lowerBoundSeconds: number;
  /** The argument that gives the bound. */
  readonly lowerBoundBy: BoundArgument;
  readonly criticalPathSeconds: number;
  /** Core-seconds of work. */
  readonly workSeconds: number;
  /** makespan / lower bound; undefined when the bound is 0 (no runtimes). */
  readonly ratio: number | undefined;
  /** The list schedule's makespan with no overheads (see `estimate.ts`). */
  readonly estimateSeconds: number;
  /** The makespan the trace recorded, times the time scale. */
  readonly recordedMakespanSeconds: number | undefined;
  /** Tasks that recorded more cores than `cores`, run with `cores`. */
  readonly clampedTasks: number;
  readonly succeeded: number;
  /** Tasks that took a recorded result (a resumed run): the makespan covers this session only. */
  readonly cached: number;
  /** Tasks that did not succeed (failed, upstream failed, cancelled). */
  readonly unsuccessful: number;
}

/** `3.41 s`, `12.0 ms`, `1276 s`; `unit` for core-seconds. */
function seconds(s: number, unit = 's'): string {
  if (s === 0) return `0 ${unit}`;
  if (s < 0.1) return unit === 's' ? `${(s * 1000).toFixed(1)} ms` : `${s.toPrecision(2)} ${unit}`;
  if (s < 100) return `${s.toFixed(2)} ${unit}`;
  return `${s.toFixed(0)} ${unit}`;
}

/**
 * The report as one line (no newline).
 * @example
 * formatReport(report);
 * // makespan 3.41 s = 1.06x the lower bound 3.22 s (by sharing; critical path 3.01 s,
 * // work 51.5 core-s / 16 cores); list schedule without overheads 3.30 s; order longest-path
 */
export function formatReport(r: WfReport): string {
  const ratio = r.ratio === undefined ? '' : ` = ${r.ratio.toFixed(2)}x`;
  const bound =
    `the lower bound ${seconds(r.lowerBoundSeconds)} (by ${r.lowerBoundBy}; critical path ${seconds(r.criticalPathSeconds)}, ` +
    `work ${seconds(r.workSeconds, 'core-s')} / ${r.cores} core${r.cores === 1 ? '' : 's'})`;
  const notes: string[] = [
    `list schedule without overheads ${seconds(r.estimateSeconds)}`,
    `order ${r.order}`,
  ];
  if (r.timeScale !== 1) notes.push(`time scale ${Number(r.timeScale.toPrecision(3))}`);
  if (r.clampedTasks > 0) {
    notes.push(
      `${r.clampedTasks} task${r.clampedTasks === 1 ? '' : 's'} recorded more cores than ${r.cores}`,
    );
  }
  if (r.cached > 0) notes.push(`${r.cached} tasks took recorded results: this session only`);
  if (r.unsuccessful > 0) notes.push(`${r.unsuccessful} tasks did not succeed`);
  return `makespan ${seconds(r.makespanSeconds)}${ratio} ${bound}; ${notes.join('; ')}`;
}
