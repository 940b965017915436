/**
 * @module
 * The run's actions: cancel a running run, rerun a failed, cancelled or
 * interrupted one from its failure. Each asks for confirmation first, then
 * says what the server answered.
 */
import { useState } from 'react';
import type { RunRow } from '../../../src/wire.ts';
import { postAction } from '../api/client.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';

type Asking = 'cancel' | 'rerun' | undefined;

export function Actions(props: { readonly run: RunRow; readonly canRerun: boolean }) {
  const { run } = props;
  const [asking, setAsking] = useState<Asking>(undefined);
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>(undefined);
  const act = (what: 'cancel' | 'rerun') => {
    setMessage({
      text: what === 'cancel' ? 'Asking the run to cancel…' : 'Starting the rerun…',
      error: false,
    });
    postAction(`/api/runs/${encodeURIComponent(run.id)}/${what}`).then(
      (r) => setMessage({ text: r.message, error: false }),
      (e: Error) => setMessage({ text: e.message, error: true }),
    );
  };
  const canCancel = run.state === 'running' && run.cancelRequested === null;
  const canRerun =
    props.canRerun &&
    (run.state === 'failed' || run.state === 'cancelled' || run.state === 'interrupted');
  const cancelling = run.state === 'running' && run.cancelRequested !== null;
  if (!canCancel && !canRerun && !cancelling && message === undefined) return null;
  return (
    <div className="actions">
      {canCancel && (
        <button type="button" className="danger" onClick={() => setAsking('cancel')}>
          Cancel run
        </button>
      )}
      {cancelling && <span className="muted">cancelling ({run.cancelRequested})</span>}
      {canRerun && (
        <button type="button" onClick={() => setAsking('rerun')}>
          Rerun from failure
        </button>
      )}
      {message !== undefined && (
        <span className={message.error ? 'error' : 'muted'} role="status">
          {message.text}
        </span>
      )}
      {asking === 'cancel' && (
        <ConfirmDialog
          title={`Cancel run ${run.id}?`}
          message="Its running tasks are cancelled and no new task starts. The run ends as cancelled; weft resume can continue it later."
          confirm="Cancel run"
          onConfirm={() => act('cancel')}
          onClose={() => setAsking(undefined)}
        />
      )}
      {asking === 'rerun' && (
        <ConfirmDialog
          title={`Rerun ${run.id} from its failure?`}
          message="This starts weft rerun --from-failure on this machine: a new run that reuses what succeeded and runs the rest again. It appears in the runs list."
          confirm="Start rerun"
          onConfirm={() => act('rerun')}
          onClose={() => setAsking(undefined)}
        />
      )}
    </div>
  );
}
