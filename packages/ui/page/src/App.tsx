/**
 * @module
 * The page: the route's view, or a request for the token when the API
 * refuses the one kept (after `weft ui` restarted with a new one).
 */
import { type ReactNode, useEffect, useState } from 'react';
import type { ServerInfo } from '../../src/wire.ts';
import { getJson, onUnauthorized } from './api/client.ts';
import { getToken } from './api/token.ts';
import { useRoute } from './router.ts';
import { RunRoute } from './run/RunRoute.tsx';
import { RunsPage } from './runs/RunsPage.tsx';
import { Link } from './ui/Link.tsx';
import { TokenPrompt } from './ui/TokenPrompt.tsx';

export function App() {
  const route = useRoute();
  const [refused, setRefused] = useState(getToken() === '');
  const [info, setInfo] = useState<ServerInfo | undefined>(undefined);
  useEffect(() => onUnauthorized(() => setRefused(true)), []);
  useEffect(() => {
    if (!refused) getJson<ServerInfo>('/api/info').then(setInfo, () => {});
  }, [refused]);
  if (refused) return <TokenPrompt onToken={() => setRefused(false)} />;
  let view: ReactNode;
  switch (route.page) {
    case 'runs':
      view = <RunsPage />;
      break;
    case 'run':
    case 'task':
      view = <RunRoute key={route.runId} route={route} canRerun={info?.canRerun === true} />;
      break;
    default:
      view = (
        <main>
          <h1>No such page</h1>
          <p data-testid="not-found">
            There is nothing at <span className="mono">{route.path}</span>.{' '}
            <Link to="/">See the runs.</Link>
          </p>
        </main>
      );
  }
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          weft
        </Link>
        <span className="muted mono">{info?.store ?? ''}</span>
      </header>
      {view}
    </>
  );
}
