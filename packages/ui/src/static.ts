/**
 * @module
 * The page: the files Vite built (`dist/page`), served as they are, with
 * `index.html` for every other path without an extension (the page routes
 * itself: `/runs/<id>`, `/runs/<id>/tasks/<task>`). Paths are confined to
 * the page's folder. The page holds no data; everything it shows comes
 * from the API, behind the token.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import type { Handler } from 'hono';
import { UiPageMissingError } from './errors.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** What the page may load and do: only from this server, never framed. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Checks that the page was built; throws `UiPageMissingError` otherwise. */
export function checkPage(dir: string): void {
  if (!existsSync(resolve(dir, 'index.html'))) throw new UiPageMissingError(dir);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The handler serving the page's files from `dir`. */
export function pageHandler(dir: string): Handler {
  const root = resolve(dir);
  const index = resolve(root, 'index.html');
  return (c) => {
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return c.text('bad path', 400);
    }
    const file = resolve(root, `.${path}`);
    const inside = file === root || file.startsWith(root + sep);
    let target: string | undefined;
    if (inside && isFile(file)) target = file;
    else if (extname(path) === '') target = index;
    if (target === undefined) return c.text('not found', 404);
    const hashed = target !== index && path.startsWith('/assets/');
    return c.body(readFileSync(target), 200, {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(target === index ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {}),
    });
  };
}
