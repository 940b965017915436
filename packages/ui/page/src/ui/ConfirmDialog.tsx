/**
 * @module
 * Asks before an action is taken: a modal dialog with the action's
 * consequences, its button, and a way back (Escape, or "Keep").
 */
import { useEffect, useRef } from 'react';

export function ConfirmDialog(props: {
  readonly title: string;
  readonly message: string;
  readonly confirm: string;
  readonly onConfirm: () => void;
  readonly onClose: () => void;
}) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    keep.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props.onClose]);
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{props.title}</h2>
        <p>{props.message}</p>
        <div className="modal-buttons">
          <button type="button" ref={keep} onClick={props.onClose}>
            Keep
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              props.onConfirm();
              props.onClose();
            }}
          >
            {props.confirm}
          </button>
        </div>
      </div>
    </div>
  );
}
