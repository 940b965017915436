/**
 * @module
 * The access token: random, printed in the URL `weft ui` shows (as Jupyter
 * does), and required on every API request. Reads (GET) take it from the
 * `Authorization: Bearer` header or, for what a browser fetches by URL
 * alone (the event streams, a result download), from `?token=`; actions
 * (POST) only from the header, which a page of another origin cannot set
 * without the token itself. Tokens are compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { UiRequestError } from './errors.ts';

/** A new token: 24 random bytes, as 48 hex digits. */
export function newToken(): string {
  return randomBytes(24).toString('hex');
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * True when `given` is `expected`. Both are hashed first, so the comparison
 * takes the same time whatever their lengths and wherever they differ.
 */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token a request carries, by the rules of the module; undefined when none. */
export function tokenOf(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  return new URL(request.url).searchParams.get('token') ?? undefined;
}

/**
 * Middleware that refuses (401, `WEFT_UI_UNAUTHORIZED`) a request without
 * the token or with another one.
 * @example
 * app.use('/api/*', requireToken(token));
 */
export function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const given = tokenOf(c.req.raw);
    if (given === undefined) {
      throw new UiRequestError(
        401,
        c.req.method === 'GET'
          ? 'this request needs the token weft ui printed (Authorization: Bearer <token>, or ?token=)'
          : 'an action needs the token weft ui printed in the Authorization: Bearer header',
      );
    }
    if (!tokensEqual(given, token)) throw new UiRequestError(401, 'wrong token');
    await next();
  };
}
