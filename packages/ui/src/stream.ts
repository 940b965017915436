/**
 * @module
 * The live streams, as Server-Sent Events. Each reads the store every
 * `pollMs` (the runs are written by other processes; polling the store is
 * how their changes are seen) and sends only what changed:
 *
 * - `GET /api/stream/runs`: event `runs`, the runs table, when it changed.
 * - `GET /api/runs/:id/stream?after=<seq>`: event `tasks` (task updates,
 *   the event id the last seq, so a reconnect resumes after it) and event
 *   `run` (the run's row) when the run changed.
 * - `GET /api/runs/:id/logs/stream?task=<id>&after=<seq>`: event `logs`
 *   until the run is no longer running, then `end`.
 */

import type { RunRecord, RunStore } from '@weft/core/store';
import type { Context, Hono } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { ResolvedUiOptions } from './options.ts';
import { countParam, findRun, listRuns, logsAfter, stateParam, taskIdParam } from './reads.ts';
import { runRow, TASK_EVENT_TYPES, taskUpdate } from './views.ts';
import type { LogLine, TaskUpdate } from './wire.ts';

const EVENT_PAGE = 2000;
/** Pages read per poll at most, so one busy run cannot hold the server. */
const PAGES_PER_POLL = 10;
/** A comment line this often keeps an idle connection open. */
const KEEPALIVE_MS = 15_000;
/** Ticks between reads of a run's events when its record did not change (a safety net). */
const IDLE_TICKS = 8;

/** What a poll did: wrote to the stream, found nothing new, or ended the stream. */
type Tick = 'wrote' | 'idle' | 'stop';

/** Calls `tick` every `pollMs` until the client goes or the server closes. */
async function poll(
  stream: SSEStreamingApi,
  closing: AbortSignal,
  pollMs: number,
  tick: () => Promise<Tick>,
): Promise<void> {
  let quiet = 0;
  while (!stream.aborted && !closing.aborted) {
    const outcome = await tick();
    if (outcome === 'stop') return;
    quiet = outcome === 'wrote' ? 0 : quiet + pollMs;
    if (quiet >= KEEPALIVE_MS) {
      await stream.write(': keepalive\n\n');
      quiet = 0;
    }
    await stream.sleep(pollMs);
  }
}

/** The cursor a stream starts after: `Last-Event-ID` on a reconnect, else `?after=`. */
function startAfter(c: Context): number {
  const last = c.req.header('last-event-id');
  return countParam(last ?? c.req.query('after'), 'after', 0, Number.MAX_SAFE_INTEGER);
}

/** What of a run record, when it changes, the page must hear about. */
function runKey(run: RunRecord): string {
  return `${run.state}|${run.lastActiveAt}|${run.endedAt}|${run.cancelRequested}|${run.sessions}|${JSON.stringify(run.counts)}`;
}

/** Task updates after `after`, at most `PAGES_PER_POLL` pages; the new cursor. */
function updatesAfter(
  store: RunStore,
  runId: string,
  after: number,
): { updates: TaskUpdate[]; cursor: number } {
  const updates: TaskUpdate[] = [];
  let cursor = after;
  for (let page = 0; page < PAGES_PER_POLL; page++) {
    const events = store.events(runId, {
      types: TASK_EVENT_TYPES,
      afterSeq: cursor,
      limit: EVENT_PAGE,
    });
    for (const e of events) {
      const u = taskUpdate(e);
      if (u !== undefined) updates.push(u);
    }
    if (events.length > 0) cursor = events[events.length - 1]!.seq;
    if (events.length < EVENT_PAGE) break;
  }
  return { updates, cursor };
}

/** Adds the event-stream routes to `app`; they end when `closing` aborts. */
export function addStreamRoutes(app: Hono, o: ResolvedUiOptions, closing: AbortSignal): void {
  const { store, pollMs } = o;
  // A stream that fails (the store closed under it) is logged, and the page is told with an `error` event.
  const sse = (c: Context, body: (stream: SSEStreamingApi) => Promise<void>): Response =>
    streamSSE(c, body, async (error) => {
      o.log.warn(`${c.req.path}: the stream failed: ${error.message}`);
    });

  app.get('/api/stream/runs', (c) => {
    const limit = countParam(c.req.query('limit'), 'limit', 200, 10_000);
    const state = stateParam(c.req.query('state'));
    return sse(c, async (stream) => {
      let last = '';
      await poll(stream, closing, pollMs, async () => {
        const rows = listRuns(store, { limit, state });
        // A running run's activeMs grows at every read: it alone is no change.
        const key = JSON.stringify(rows.map((r) => ({ ...r, activeMs: 0 })));
        if (key === last) return 'idle';
        last = key;
        await stream.writeSSE({ event: 'runs', data: JSON.stringify(rows) });
        return 'wrote';
      });
    });
  });

  app.get('/api/runs/:id/stream', (c) => {
    const runId = findRun(store, c.req.param('id')).id;
    let cursor = startAfter(c);
    return sse(c, async (stream) => {
      let last = '';
      let idle = 0;
      await poll(stream, closing, pollMs, async () => {
        const run = store.run(runId);
        if (run === undefined) {
          await stream.writeSSE({ event: 'gone', data: JSON.stringify({ id: runId }) });
          return 'stop';
        }
        const key = runKey(run);
        const changed = key !== last;
        if (!changed && ++idle < IDLE_TICKS) return 'idle';
        idle = 0;
        const read = updatesAfter(store, runId, cursor);
        let wrote = false;
        if (read.updates.length > 0) {
          cursor = read.cursor;
          await stream.writeSSE({
            event: 'tasks',
            data: JSON.stringify(read.updates),
            id: String(cursor),
          });
          wrote = true;
        }
        if (changed) {
          last = key;
          await stream.writeSSE({ event: 'run', data: JSON.stringify(runRow(run)) });
          wrote = true;
        }
        return wrote ? 'wrote' : 'idle';
      });
    });
  });

  app.get('/api/runs/:id/logs/stream', (c) => {
    const runId = findRun(store, c.req.param('id')).id;
    const taskText = c.req.query('task');
    const taskId = taskText === undefined ? undefined : taskIdParam(taskText);
    let cursor = startAfter(c);
    return sse(c, async (stream) => {
      const drain = async (): Promise<boolean> => {
        const lines: LogLine[] = [];
        for (let page = 0; page < PAGES_PER_POLL; page++) {
          const got = logsAfter(store, runId, { taskId, afterSeq: cursor, limit: 1000 });
          lines.push(...got);
          if (got.length > 0) cursor = got[got.length - 1]!.seq;
          if (got.length < 1000) break;
        }
        if (lines.length === 0) return false;
        await stream.writeSSE({ event: 'logs', data: JSON.stringify(lines), id: String(cursor) });
        return true;
      };
      await poll(stream, closing, pollMs, async () => {
        // Whether it still runs is read before the logs, so none written before it ended is missed.
        const running = store.run(runId)?.state === 'running';
        const wrote = await drain();
        if (running) return wrote ? 'wrote' : 'idle';
        await drain();
        await stream.writeSSE({ event: 'end', data: '{}' });
        return 'stop';
      });
    });
  });
}
