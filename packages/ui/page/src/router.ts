/**
 * @module
 * The page's routes, from the path: `/` the runs, `/runs/<id>` a run
 * (`?view=timeline` for its timeline), `/runs/<id>/tasks/<task>` a task.
 * Navigation uses the History API; the server answers every such path
 * with the page.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { readonly page: 'runs' }
  | { readonly page: 'run'; readonly runId: string; readonly view: 'graph' | 'timeline' }
  | { readonly page: 'task'; readonly runId: string; readonly taskId: number }
  | { readonly page: 'unknown'; readonly path: string };

/** The route of a location. */
export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts.length === 0) return { page: 'runs' };
  if (parts[0] === 'runs' && parts.length === 2) {
    const view = new URLSearchParams(search).get('view') === 'timeline' ? 'timeline' : 'graph';
    return { page: 'run', runId: parts[1]!, view };
  }
  if (
    parts[0] === 'runs' &&
    parts[2] === 'tasks' &&
    parts.length === 4 &&
    /^\d+$/.test(parts[3]!)
  ) {
    return { page: 'task', runId: parts[1]!, taskId: Number(parts[3]) };
  }
  return { page: 'unknown', path: pathname };
}

const EVENT = 'weft:navigate';

/** Goes to `path` (a path of this page). */
export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(EVENT));
  window.scrollTo(0, 0);
}

/** The path of a run's page, or of one of its tasks. */
export function runPath(runId: string, taskId?: number): string {
  const run = `/runs/${encodeURIComponent(runId)}`;
  return taskId === undefined ? run : `${run}/tasks/${taskId}`;
}

/** The current route, following navigation and the back button. */
const read = (): Route => parseRoute(window.location.pathname, window.location.search);

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return route;
}
