/**
 * @module
 * A run's data, live: its snapshot (`GET /api/runs/:id`: the run and its
 * tasks as of an event cursor), then the run's stream from that cursor,
 * whose task updates are applied to the tasks as they come. The tasks map
 * is changed in place (a task's object is replaced when it changes) and
 * `version` counts the changes, so views recompute only what they need.
 */
import { useEffect, useState } from 'react';
import type { RunRow, RunSnapshot, TaskNode, TaskUpdate } from '../../../src/wire.ts';
import { getJson } from '../api/client.ts';
import { openStream, type StreamStatus } from '../api/stream.ts';
import { isFinal } from '../ui/states.ts';

export interface RunData {
  readonly status: 'loading' | 'ready' | 'error';
  readonly error: Error | undefined;
  readonly run: RunRow | undefined;
  /** When `run` was received (the duration of a running run grows from it). */
  readonly runReceivedAt: number;
  readonly store: string;
  readonly tasks: ReadonlyMap<number, TaskNode>;
  /** Counts the changes to `tasks`. */
  readonly version: number;
  readonly truncated: boolean;
  readonly stream: StreamStatus;
  /** When tasks ended (their events' times), for the throughput. */
  readonly finishedAt: readonly number[];
  /** When the snapshot was read: performance.now() at its request and its arrival. */
  readonly snapshotMs: { readonly requested: number; readonly received: number } | undefined;
}

const EMPTY: RunData = {
  status: 'loading',
  error: undefined,
  run: undefined,
  runReceivedAt: 0,
  store: '',
  tasks: new Map(),
  version: 0,
  truncated: false,
  stream: 'connecting',
  finishedAt: [],
  snapshotMs: undefined,
};

/** Applies updates to the tasks; returns the end times of the tasks that ended. */
export function applyUpdates(
  tasks: Map<number, TaskNode>,
  updates: readonly TaskUpdate[],
  acceptNew: boolean,
): number[] {
  const ended: number[] = [];
  for (const u of updates) {
    const t = tasks.get(u.id);
    if (u.task !== undefined) {
      if (t === undefined && acceptNew) tasks.set(u.id, u.task);
      continue;
    }
    if (t === undefined) continue;
    const started = u.type === 'started';
    const final = isFinal(u.state);
    tasks.set(u.id, {
      ...t,
      state: u.state,
      attempts: started ? u.attempt : t.attempts,
      startedAt: started ? u.time : t.startedAt,
      endedAt: final ? u.time : started ? null : t.endedAt,
      worker: u.worker ?? t.worker,
      error: u.error ?? (started ? null : t.error),
    });
    if (final && !isFinal(t.state)) ended.push(u.time);
  }
  return ended;
}

export function useRun(runId: string): RunData {
  const [data, setData] = useState<RunData>(EMPTY);
  useEffect(() => {
    let closed = false;
    let close = () => {};
    setData(EMPTY);
    const requested = performance.now();
    getJson<RunSnapshot>(`/api/runs/${encodeURIComponent(runId)}`)
      .then((snap) => {
        if (closed) return;
        const tasks = new Map(snap.tasks.map((t) => [t.id, t]));
        // When the tasks that already ended did: the throughput of the last seconds counts them.
        const finishedAt = snap.tasks.flatMap((t) =>
          t.endedAt !== null && isFinal(t.state) ? [t.endedAt] : [],
        );
        setData({
          ...EMPTY,
          status: 'ready',
          run: snap.run,
          runReceivedAt: Date.now(),
          store: snap.store,
          tasks,
          version: 1,
          truncated: snap.truncated,
          finishedAt,
          snapshotMs: { requested, received: performance.now() },
        });
        close = openStream(
          `/api/runs/${encodeURIComponent(snap.run.id)}/stream`,
          { after: snap.cursor },
          {
            events: {
              tasks: (updates) => {
                finishedAt.push(...applyUpdates(tasks, updates as TaskUpdate[], !snap.truncated));
                setData((d) => ({ ...d, version: d.version + 1 }));
              },
              run: (row) =>
                setData((d) => ({ ...d, run: row as RunRow, runReceivedAt: Date.now() })),
              gone: () =>
                setData((d) => ({
                  ...d,
                  status: 'error',
                  error: new Error(`run ${snap.run.id} was deleted from the store`),
                })),
            },
            status: (stream) => setData((d) => ({ ...d, stream })),
          },
        );
      })
      .catch((error: Error) => {
        if (!closed) setData({ ...EMPTY, status: 'error', error });
      });
    return () => {
      closed = true;
      close();
    };
  }, [runId]);
  return data;
}
