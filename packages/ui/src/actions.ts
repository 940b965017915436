/**
 * @module
 * The actions: `POST /api/runs/:id/cancel` asks a running run to cancel
 * (through the store, as `weft cancel` does), `POST /api/runs/:id/rerun`
 * starts `weft rerun <id> --from-failure` (`rerun.ts`). Both need the
 * token in the `Authorization` header (`token.ts`), name the run by its
 * exact id, and refuse what the run's state does not allow (409).
 */

import type { RunRecord } from '@weft/core/store';
import type { Hono } from 'hono';
import { UiRequestError } from './errors.ts';
import type { ResolvedUiOptions } from './options.ts';
import type { Reruns } from './rerun.ts';
import type { ActionResult } from './wire.ts';

/** The run with exactly this id (no prefix: an action names what it acts on). */
function exactRun(o: ResolvedUiOptions, id: string): RunRecord {
  const run = o.store.run(id);
  if (run === undefined || run.id !== id) {
    throw new UiRequestError(404, `no run "${id}" is recorded in ${o.store.location}`);
  }
  return run;
}

/** Adds the action routes to `app`. */
export function addActionRoutes(app: Hono, o: ResolvedUiOptions, reruns: Reruns): void {
  app.post('/api/runs/:id/cancel', (c) => {
    const run = exactRun(o, c.req.param('id'));
    if (run.state === 'interrupted') {
      throw new UiRequestError(
        409,
        `run ${run.id} is recorded as running, but its process ${run.pid} is gone: nothing to cancel (weft resume ${run.id} continues it)`,
      );
    }
    if (run.state !== 'running') {
      throw new UiRequestError(
        409,
        `run ${run.id} is not running (${run.state}): nothing to cancel`,
      );
    }
    o.store.requestCancel(run.id, 'cancelled from weft ui');
    o.log.info(`asked run ${run.id} to cancel`, { run: run.id });
    return c.json<ActionResult>({ ok: true, message: `asked run ${run.id} to cancel` }, 202);
  });

  app.post('/api/runs/:id/rerun', (c) => {
    const run = exactRun(o, c.req.param('id'));
    if (run.state === 'running') {
      throw new UiRequestError(409, `run ${run.id} is still running: cancel it first`);
    }
    if (run.state === 'succeeded') {
      throw new UiRequestError(409, `run ${run.id} succeeded: there is no failure to rerun from`);
    }
    const started = reruns.start(run);
    return c.json<ActionResult>(
      {
        ok: true,
        message: `started weft rerun ${run.id} --from-failure (pid ${started.pid}); its output goes to ${started.logFile}`,
        pid: started.pid,
      },
      202,
    );
  });
}
