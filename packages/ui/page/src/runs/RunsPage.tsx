/**
 * @module
 * The runs, as `weft runs` lists them, live and filterable: by state, and
 * by any text of the id, workflow, mode or executor.
 */
import { useMemo, useState } from 'react';
import type { RunRow, RunStateName } from '../../../src/wire.ts';
import { LiveMark } from '../ui/LiveMark.tsx';
import { RunsTable } from './RunsTable.tsx';
import { useRuns, useTick } from './useRuns.ts';

const STATES: readonly RunStateName[] = [
  'running',
  'failed',
  'interrupted',
  'cancelled',
  'succeeded',
];

function matches(run: RunRow, text: string, state: string): boolean {
  if (state !== '' && run.state !== state) return false;
  if (text === '') return true;
  const t = text.toLowerCase();
  return [run.id, run.workflow ?? '', run.mode ?? '', run.executor].some((f) =>
    f.toLowerCase().includes(t),
  );
}

export function RunsPage() {
  const { runs, receivedAt, status } = useRuns();
  const [text, setText] = useState('');
  const [state, setState] = useState('');
  const shown = useMemo(
    () => (runs ?? []).filter((r) => matches(r, text.trim(), state)),
    [runs, text, state],
  );
  const now = useTick(shown.some((r) => r.state === 'running'));
  return (
    <main>
      <div className="title-row">
        <h1>Runs</h1>
        <LiveMark status={status} />
      </div>
      <div className="filters">
        <input
          type="search"
          placeholder="Filter by id, workflow, mode, executor"
          aria-label="filter runs"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select aria-label="state" value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">every state</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        {runs !== undefined && (
          <span className="muted">
            {shown.length} of {runs.length} runs
          </span>
        )}
      </div>
      {runs === undefined ? (
        <p className="muted">Loading the runs…</p>
      ) : runs.length === 0 ? (
        <p className="muted">No run is recorded yet: start one with weft run, it shows up here.</p>
      ) : (
        <RunsTable runs={shown} now={now} receivedAt={receivedAt} />
      )}
    </main>
  );
}
