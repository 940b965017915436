/**
 * @module
 * The runs table's data, live: the stream of `/api/stream/runs` sends the
 * table whenever a run starts, progresses or ends, in any process.
 */
import { useEffect, useState } from 'react';
import type { RunRow } from '../../../src/wire.ts';
import { openStream, type StreamStatus } from '../api/stream.ts';

export interface RunsData {
  readonly runs: readonly RunRow[] | undefined;
  /** When the rows were received (for the durations of running runs). */
  readonly receivedAt: number;
  readonly status: StreamStatus;
}

export function useRuns(): RunsData {
  const [data, setData] = useState<RunsData>({
    runs: undefined,
    receivedAt: 0,
    status: 'connecting',
  });
  useEffect(
    () =>
      openStream(
        '/api/stream/runs',
        {},
        {
          events: {
            runs: (rows) =>
              setData((d) => ({ ...d, runs: rows as RunRow[], receivedAt: Date.now() })),
          },
          status: (status) => setData((d) => ({ ...d, status })),
        },
      ),
    [],
  );
  return data;
}

/** Re-renders every `ms` while `on`: for durations that grow. */
export function useTick(on: boolean, ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [on, ms]);
  return now;
}
