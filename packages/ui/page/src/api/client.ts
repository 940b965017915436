/**
 * @module
 * Requests to the API: JSON reads and actions with the token in the
 * `Authorization` header, errors as `ApiError` with the server's code and
 * message, and URLs for what the browser fetches by address alone (event
 * streams, downloads), which carry the token as `?token=`.
 */
import type { ActionResult, ApiError as ApiErrorBody } from '../../../src/wire.ts';
import { getToken } from './token.ts';

/** An error answer of the API. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Listeners told when a request was refused for its token. */
const unauthorized = new Set<() => void>();

/** Calls `f` whenever the API refuses the token; returns how to stop. */
export function onUnauthorized(f: () => void): () => void {
  unauthorized.add(f);
  return () => unauthorized.delete(f);
}

async function request<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${getToken()}`, accept: 'application/json' },
  });
  if (response.ok) return (await response.json()) as T;
  let body: ApiErrorBody | undefined;
  try {
    body = (await response.json()) as ApiErrorBody;
  } catch {
    body = undefined;
  }
  if (response.status === 401) for (const f of unauthorized) f();
  throw new ApiError(
    response.status,
    body?.error.code ?? `HTTP_${response.status}`,
    body?.error.message ?? `${method} ${path}: ${response.status} ${response.statusText}`,
  );
}

/** GETs JSON from the API. */
export function getJson<T>(path: string): Promise<T> {
  return request<T>('GET', path);
}

/** POSTs an action. */
export function postAction(path: string): Promise<ActionResult> {
  return request<ActionResult>('POST', path);
}

/** The address of `path` with `params` and the token, for EventSource and links. */
export function tokenUrl(
  path: string,
  params: Record<string, string | number | undefined> = {},
): string {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params))
    if (v !== undefined) url.searchParams.set(k, String(v));
  url.searchParams.set('token', getToken());
  return url.pathname + url.search;
}
