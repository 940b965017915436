/**
 * @module
 * The access token of the page. `weft ui` prints a URL with `?token=`; the
 * page keeps the token (localStorage, per origin: host and port) and takes
 * it out of the address bar, so it is not left in the history or shared by
 * copying the address. A stale one (after a restart) is asked for again.
 */

const KEY = 'weft-ui-token';

/** Takes the token from the URL, if it has one, and keeps it. */
export function captureToken(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  setToken(token);
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

/** The token kept, or '' when there is none. */
export function getToken(): string {
  return window.localStorage.getItem(KEY) ?? '';
}

/** Keeps a token (from the URL, or pasted by the user). */
export function setToken(token: string): void {
  window.localStorage.setItem(KEY, token.trim());
}
