/**
 * @module
 * The UI's HTTP application (Hono): headers every answer carries, the
 * token check before every `/api/*` route, the reads, the live streams,
 * the actions, and the page. An error becomes `{ error: { code, message } }`
 * with its status: the request's own (`UiRequestError`), 400 for a query
 * the store refuses, else 500 (logged).
 */
import { existsSync } from 'node:fs';
import { isWeftError } from '@weft/core';
import { type ArtifactStore, openFsArtifactStore } from '@weft/core/store';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { addActionRoutes } from './actions.ts';
import { addReadRoutes } from './api.ts';
import { UiRequestError } from './errors.ts';
import type { ResolvedUiOptions } from './options.ts';
import { Reruns } from './rerun.ts';
import { pageHandler } from './static.ts';
import { addStreamRoutes } from './stream.ts';
import { requireToken } from './token.ts';
import type { ApiError } from './wire.ts';

/** Builds the application; its streams end when `closing` aborts. */
export function createUiApp(o: ResolvedUiOptions, version: string, closing: AbortSignal): Hono {
  const app = new Hono();
  let artifacts: ArtifactStore | undefined;
  const artifactStore = (): ArtifactStore | undefined => {
    if (artifacts === undefined && o.artifactsDir !== undefined && existsSync(o.artifactsDir)) {
      artifacts = openFsArtifactStore(o.artifactsDir);
    }
    return artifacts;
  };

  app.use('*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
  });
  app.use('/api/*', requireToken(o.token));
  app.use('/api/*', compress({ contentTypeFilter: /^application\/json/ }));

  addReadRoutes(app, { options: o, artifacts: artifactStore, version });
  addStreamRoutes(app, o, closing);
  addActionRoutes(app, o, new Reruns(o));
  app.all('/api/*', (c) => {
    throw new UiRequestError(404, `no API route ${c.req.method} ${c.req.path}`);
  });
  app.get('*', pageHandler(o.pageDir));

  app.onError((error, c) => {
    if (error instanceof UiRequestError) {
      return c.json<ApiError>(
        { error: { code: error.code, message: error.message } },
        error.status,
      );
    }
    if (isWeftError(error) && error.code === 'WEFT_STORE_BAD_INPUT') {
      return c.json<ApiError>({ error: { code: error.code, message: error.message } }, 400);
    }
    o.log.error(`${c.req.method} ${c.req.path} failed: ${error.message}`, {
      stack: error.stack,
    });
    const code = isWeftError(error) ? error.code : 'WEFT_UI_INTERNAL';
    return c.json<ApiError>({ error: { code, message: error.message } }, 500);
  });
  return app;
}
