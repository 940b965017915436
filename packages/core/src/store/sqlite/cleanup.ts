/**
 * @module
 * The SQLite store's upkeep, on the calling thread's connection:
 * forgetting cache keys (one UPDATE), deleting the runs that ended before a
 * time with everything recorded of them (one `BEGIN IMMEDIATE` transaction,
 * like `open-run.ts`: the runs are chosen under the write lock, so a resume
 * in another process either comes first and keeps its run, or finds it
 * gone), and the artifact hashes the remaining records reference.
 *
 * Runs are not numbered anew: a deleted run's key may be given again to a
 * run recorded later (its rowid, when it was the highest), so whatever maps
 * run ids to keys must forget the deleted ones (`SqliteQueries.forget`).
 */
import type { DatabaseSync } from 'node:sqlite';
import { readState } from '../liveness.ts';
import { endOf } from '../run-cleanup.ts';
import type { RunState } from '../run-store.ts';
import { TASK_KEY_SPAN } from './schema.ts';

interface EndRow {
  key: number;
  id: string;
  state: RunState;
  host: string;
  pid: number;
  ended_at: number | null;
  last_active_at: number;
}

/** Forgets the cache keys of the tasks of runs started before `before` (all runs when undefined). */
export function clearKeys(db: DatabaseSync, before: number | undefined): number {
  if (before === undefined) {
    return Number(
      db.prepare('UPDATE tasks SET cache_key = NULL WHERE cache_key IS NOT NULL').run().changes,
    );
  }
  const sql = `UPDATE tasks SET cache_key = NULL
    WHERE cache_key IS NOT NULL AND run_key IN (SELECT key FROM runs WHERE started_at < ?)`;
  return Number(db.prepare(sql).run(before).changes);
}

/**
 * The runs that ended before `endedBefore` (interrupted ones by their last
 * activity) and are not written by this store object, oldest first.
 */
function ended(db: DatabaseSync, endedBefore: number, writing: ReadonlySet<string>): EndRow[] {
  const rows = db
    .prepare(
      `SELECT key, id, state, host, pid, ended_at, last_active_at FROM runs
       WHERE (state <> 'running' AND ended_at < ?1) OR (state = 'running' AND last_active_at < ?1)
       ORDER BY started_at, key`,
    )
    .all(endedBefore) as unknown as EndRow[];
  return rows.filter((r) => {
    if (writing.has(r.id)) return false;
    const end = endOf(readState(r.state, r.host, r.pid), r.ended_at ?? undefined, r.last_active_at);
    return end !== undefined && end < endedBefore;
  });
}

/**
 * Deletes the runs that ended before `endedBefore`, except those in
 * `writing`, in one transaction; returns their ids, oldest first (with
 * `dryRun`, the ids only, deleting nothing).
 */
export function deleteEnded(
  db: DatabaseSync,
  endedBefore: number,
  writing: ReadonlySet<string>,
  dryRun: boolean,
): string[] {
  if (dryRun) return ended(db, endedBefore, writing).map((r) => r.id);
  db.exec('BEGIN IMMEDIATE');
  try {
    const doomed = ended(db, endedBefore, writing);
    if (doomed.length > 0) {
      const tasks = db.prepare('DELETE FROM tasks WHERE key BETWEEN ? AND ?');
      const byRun = ['logs', 'run_events', 'batches'].map((table) =>
        db.prepare(`DELETE FROM ${table} WHERE run_key = ?`),
      );
      const run = db.prepare('DELETE FROM runs WHERE key = ?');
      for (const { key } of doomed) {
        tasks.run(key * TASK_KEY_SPAN, (key + 1) * TASK_KEY_SPAN - 1);
        for (const statement of byRun) statement.run(key);
        run.run(key);
      }
    }
    db.exec('COMMIT');
    return doomed.map((r) => r.id);
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** The distinct artifact hashes of the tasks' and runs' results, sorted, leaving out the runs `except` names. */
export function referencedHashes(db: DatabaseSync, except: ReadonlySet<string>): string[] {
  const rows = db
    .prepare(
      `WITH skipped (key) AS (SELECT key FROM runs WHERE id IN (SELECT value FROM json_each(?1)))
       SELECT result_hash AS hash FROM tasks
         WHERE result_hash IS NOT NULL AND run_key NOT IN skipped
       UNION SELECT result_hash FROM runs WHERE result_hash IS NOT NULL AND key NOT IN skipped
       ORDER BY hash`,
    )
    .all(JSON.stringify([...except])) as { hash: string }[];
  return rows.map((r) => r.hash);
}
