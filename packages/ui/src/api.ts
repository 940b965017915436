/**
 * @module
 * The API's reads, as JSON: `GET /api/info`, `/api/runs` (`?limit`,
 * `?state`), `/api/runs/:id` (the run and its tasks, with the cursor of
 * its live stream), `/api/runs/:id/timeline`, `/api/runs/:id/tasks/:task`
 * and `/api/runs/:id/tasks/:task/result` (the result's serialized bytes).
 * The token is checked before any of them (`app.ts`).
 */

import type { ArtifactStore } from '@weft/core/store';
import type { Hono } from 'hono';
import { UiRequestError } from './errors.ts';
import type { ResolvedUiOptions } from './options.ts';
import {
  countParam,
  findRun,
  listRuns,
  runSnapshot,
  runTimeline,
  stateParam,
  taskDetail,
  taskIdParam,
} from './reads.ts';
import { resultBytes } from './result.ts';
import type { ServerInfo } from './wire.ts';

/** What the routes need besides the options. */
export interface ApiContext {
  readonly options: ResolvedUiOptions;
  /** The artifact store beside the run store, once it exists. */
  artifacts(): ArtifactStore | undefined;
  readonly version: string;
}

/** Adds the read routes to `app`. */
export function addReadRoutes(app: Hono, ctx: ApiContext): void {
  const { store } = ctx.options;

  app.get('/api/info', (c) =>
    c.json<ServerInfo>({
      store: store.location,
      version: ctx.version,
      canRerun: ctx.options.weftBin !== undefined,
    }),
  );

  app.get('/api/runs', (c) =>
    c.json(
      listRuns(store, {
        limit: countParam(c.req.query('limit'), 'limit', 200, 10_000),
        state: stateParam(c.req.query('state')),
      }),
    ),
  );

  app.get('/api/runs/:id', (c) => c.json(runSnapshot(store, c.req.param('id'))));

  app.get('/api/runs/:id/timeline', (c) => c.json(runTimeline(store, c.req.param('id'))));

  app.get('/api/runs/:id/tasks/:task', (c) =>
    c.json(taskDetail(store, ctx.artifacts(), c.req.param('id'), taskIdParam(c.req.param('task')))),
  );

  app.get('/api/runs/:id/tasks/:task/result', async (c) => {
    const run = findRun(store, c.req.param('id'));
    const taskId = taskIdParam(c.req.param('task'));
    const stored = store.result(run.id, taskId);
    const bytes = stored === undefined ? undefined : await resultBytes(stored, ctx.artifacts());
    if (bytes === undefined) {
      throw new UiRequestError(404, `task #${taskId} of run ${run.id} has no result stored here`);
    }
    const name = stored?.kind === 'artifact' ? stored.hash : `${run.id}-${taskId}`;
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${name}.v8"`,
    });
  });
}
