/**
 * When the SQLite writer's parked tasks fall due: at the second tick after
 * they were parked, or, while their run is busy and few enough are parked,
 * only after `BUSY_TICKS` ticks (so that a burst is written once). Driven
 * tick by tick, without the worker's clock.
 */
import { describe, expect, it } from 'vitest';
import { BUSY_EVENTS, BUSY_TICKS, MAX_PARKED, ParkedTasks } from '../src/store/sqlite/parked.js';

/** Parks tasks `ids`, ascending (each with one event, as a submitted task). */
function park(p: ParkedTasks, ids: readonly number[]): void {
  p.reserve(ids[ids.length - 1]! + 1);
  const h = p.hold({} as never);
  for (const id of ids) p.add(p.entry(id), 0, h, 0, 0);
  p.unhold();
}

/** Writes (releases) what `due` returned, as the writer does. */
function write(p: ParkedTasks, ids: readonly number[]): void {
  for (const id of ids) p.release(p.entryOf[id]! - 1);
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('parked tasks falling due', () => {
  it('are due at the second tick in a quiet run, and only once', () => {
    const p = new ParkedTasks();
    park(p, [1, 2, 3]);
    expect(p.due()).toEqual([]);
    park(p, [4]);
    expect(p.due()).toEqual([1, 2, 3]);
    write(p, [1, 2, 3]);
    expect(p.due()).toEqual([4]);
    write(p, [4]);
    expect(p.due()).toEqual([]);
    expect(p.count).toBe(0);
  });

  it('are not due when they were written meanwhile', () => {
    const p = new ParkedTasks();
    park(p, [1, 2, 3]);
    write(p, [2]);
    p.due();
    expect(p.due()).toEqual([1, 3]);
  });

  it('wait up to BUSY_TICKS ticks while the run is busy', () => {
    const p = new ParkedTasks();
    park(p, [7, 8]);
    let ticks = 0;
    let due: number[] = [];
    while (due.length === 0 && ticks < 100) {
      p.events = BUSY_EVENTS;
      due = p.due();
      ticks++;
    }
    expect(due).toEqual([7, 8]);
    // Parked at generation 0: due at the tick whose cutoff reaches it.
    expect(ticks).toBe(BUSY_TICKS + 1);
  });

  it('are due at the usual age as soon as the run is quiet again', () => {
    const p = new ParkedTasks();
    park(p, [5]);
    for (let i = 0; i < 3; i++) {
      p.events = BUSY_EVENTS;
      expect(p.due()).toEqual([]);
    }
    p.events = BUSY_EVENTS - 1;
    expect(p.due()).toEqual([5]);
  });

  it('are due at the usual age, busy or not, once MAX_PARKED are parked', () => {
    const p = new ParkedTasks();
    park(p, range(0, MAX_PARKED));
    p.events = BUSY_EVENTS;
    expect(p.due()).toEqual([]);
    p.events = BUSY_EVENTS;
    const due = p.due();
    expect(due.length).toBe(MAX_PARKED);
    expect(due[MAX_PARKED - 1]).toBe(MAX_PARKED - 1);
  });

  it('gives every parked task to all(), and none twice after', () => {
    const p = new ParkedTasks();
    park(p, [1, 2]);
    p.events = BUSY_EVENTS;
    p.due();
    park(p, [3]);
    expect(p.all().sort()).toEqual([1, 2, 3]);
    write(p, [1, 2, 3]);
    expect(p.all()).toEqual([]);
    expect(p.due()).toEqual([]);
  });
});
