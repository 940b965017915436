/**
 * @module
 * Whether the page is following the store live, or reconnecting.
 */
import type { StreamStatus } from '../api/stream.ts';

const TEXT: Readonly<Record<StreamStatus, string>> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  closed: 'not live',
};

export function LiveMark(props: { readonly status: StreamStatus }) {
  return (
    <span className={`live live-${props.status}`} data-testid="live">
      {TEXT[props.status]}
    </span>
  );
}
