/**
 * @module
 * A task's log records, following live while the run runs: the stream
 * sends what is recorded, then what is added, and says when the run has
 * ended. The view keeps to the bottom unless the user scrolled up.
 */
import { useEffect, useRef, useState } from 'react';
import type { LogLine } from '../../../src/wire.ts';
import { openStream } from '../api/stream.ts';

const KEPT = 5000;

function clock(time: number): string {
  const d = new Date(time);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function LogView(props: { readonly runId: string; readonly taskId: number }) {
  const [lines, setLines] = useState<readonly LogLine[]>([]);
  const [ended, setEnded] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    setLines([]);
    setEnded(false);
    const close = openStream(
      `/api/runs/${encodeURIComponent(props.runId)}/logs/stream`,
      { task: props.taskId, after: 0 },
      {
        events: {
          logs: (more) => setLines((l) => [...l, ...(more as LogLine[])].slice(-KEPT)),
          end: () => {
            setEnded(true);
            close();
          },
        },
      },
    );
    return close;
  }, [props.runId, props.taskId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when lines arrive
  useEffect(() => {
    const el = box.current;
    if (el !== null && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <section className="logs">
      <h2>
        Logs <span className="muted">{ended ? `${lines.length} records` : 'following…'}</span>
      </h2>
      <div
        className="log-box"
        ref={box}
        data-testid="logs"
        data-ended={ended}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {lines.length === 0 && (
          <div className="muted">{ended ? 'No log records.' : 'No log records yet.'}</div>
        )}
        {lines.map((l) => (
          <div key={l.seq} className={`log log-${l.level}`}>
            <span className="log-time">{clock(l.time)}</span>{' '}
            <span className="log-level">{l.level}</span>{' '}
            {l.attempt > 1 && <span className="muted">[attempt {l.attempt}] </span>}
            <span className="log-message">{l.message}</span>
            {l.fields !== null && Object.keys(l.fields).length > 0 && (
              <span className="muted"> {JSON.stringify(l.fields)}</span>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}
