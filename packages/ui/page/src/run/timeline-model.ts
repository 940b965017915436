/**
 * @module
 * The timeline's layout: one block per worker (in natural order: `thread
 * 2` before `thread 10`), and in it the worker's attempts packed into lanes
 * so that attempts that overlap (tasks of an in-process executor run side
 * by side) are drawn one above the other, up to a number of lanes.
 */
import type { AttemptBar } from '../../../src/wire.ts';

/** Lanes of one worker, at most; beyond them attempts share the lane that frees first. */
export const MAX_LANES = 24;
export const LANE = 9;
export const BLOCK_PAD = 4;

export interface WorkerBlock {
  readonly worker: string;
  readonly top: number;
  readonly height: number;
}

export interface PlacedBar {
  readonly bar: AttemptBar;
  readonly y: number;
}

export interface TimelineLayout {
  readonly blocks: readonly WorkerBlock[];
  readonly placed: readonly PlacedBar[];
  readonly start: number;
  readonly span: number;
  readonly height: number;
}

/** Lays out the attempts; `now` ends the ones still running. */
export function layoutTimeline(bars: readonly AttemptBar[], now: number): TimelineLayout {
  const byWorker = new Map<string, AttemptBar[]>();
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const b of bars) {
    const list = byWorker.get(b.worker);
    if (list === undefined) byWorker.set(b.worker, [b]);
    else list.push(b);
    start = Math.min(start, b.start);
    end = Math.max(end, b.end ?? now);
  }
  const workers = [...byWorker.keys()].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }),
  );
  const blocks: WorkerBlock[] = [];
  const placed: PlacedBar[] = [];
  let top = 0;
  for (const worker of workers) {
    const list = byWorker.get(worker)!.sort((a, b) => a.start - b.start);
    const laneEnds: number[] = [];
    for (const bar of list) {
      let lane = laneEnds.findIndex((e) => e <= bar.start);
      if (lane < 0 && laneEnds.length < MAX_LANES) lane = laneEnds.length;
      if (lane < 0) lane = laneEnds.indexOf(Math.min(...laneEnds));
      laneEnds[lane] = bar.end ?? now;
      placed.push({ bar, y: top + BLOCK_PAD + lane * LANE });
    }
    const height = Math.max(22, laneEnds.length * LANE + 2 * BLOCK_PAD);
    blocks.push({ worker, top, height });
    top += height;
  }
  return { blocks, placed, start, span: Math.max(1, end - start), height: top };
}
