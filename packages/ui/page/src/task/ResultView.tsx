/**
 * @module
 * What a task returned: its size, where it is kept (in the run store, or
 * an artifact named by its hash), a preview, and a link to its bytes.
 */
import type { ResultSummary } from '../../../src/wire.ts';
import { tokenUrl } from '../api/client.ts';
import { bytes } from '../ui/format.ts';

export function ResultView(props: {
  readonly runId: string;
  readonly taskId: number;
  readonly result: ResultSummary | null;
}) {
  const r = props.result;
  if (r === null) return null;
  const href = tokenUrl(
    `/api/runs/${encodeURIComponent(props.runId)}/tasks/${props.taskId}/result`,
  );
  return (
    <section data-testid="result">
      <h2>Result</h2>
      <p>
        {bytes(r.size)} serialized,{' '}
        {r.kind === 'artifact' ? (
          <>
            an artifact <span className="mono">{r.hash?.slice(0, 16)}</span>
          </>
        ) : (
          'in the run store'
        )}
        {r.downloadable && (
          <>
            {' · '}
            <a href={href} download>
              download
            </a>
          </>
        )}
      </p>
      {r.preview !== null ? (
        <pre className="preview">{r.preview}</pre>
      ) : (
        <p className="muted">No preview (too large, or the artifact is not here).</p>
      )}
    </section>
  );
}
