/**
 * The SQLite store's cache lookups keep one read snapshot through a burst
 * of lookups (`cache-reader.ts`). What must still hold: results committed
 * by another connection are found, even while lookups keep coming, and a
 * pause in the lookups lets the writer's checkpoint finish.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { Events, runInfo } from '../src/testing/run-store-contract/helpers.js';

const dirs: string[] = [];
const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function stores(): { file: string; reader: ReturnType<typeof openSqliteRunStore> } {
  const dir = mkdtempSync(join(tmpdir(), 'weft-cache-reader-'));
  dirs.push(dir);
  const file = join(dir, 'weft.db');
  const reader = openSqliteRunStore(file);
  disposers.push(() => reader[Symbol.asyncDispose]());
  return { file, reader };
}

/** Records, through another store object on `file`, a run whose task 0 has `key`. */
async function recordElsewhere(file: string, key: string): Promise<string> {
  const other = openSqliteRunStore(file);
  try {
    const info = runInfo();
    const writer = other.openRun(info);
    for (const e of new Events(info.id).lifecycle(0)) writer.event(e);
    writer.result(0, { kind: 'inline', bytes: new Uint8Array([7]) }, key);
    await writer.close('succeeded');
    return info.id;
  } finally {
    await other[Symbol.asyncDispose]();
  }
}

describe('cache lookups in the SQLite store', () => {
  it("find another connection's result while lookups keep coming", async () => {
    const { file, reader } = stores();
    // Lookups with no pause between them, before, while and after the other run is recorded.
    let found: string | undefined;
    const ask = setInterval(() => {
      found = reader.findCachedMany(['k', 'absent']).get('k')?.runId;
    }, 1);
    try {
      const runId = await recordElsewhere(file, 'k');
      await vi.waitFor(() => expect(found).toBe(runId), { timeout: 10_000 });
      expect(reader.findCached('k')?.runId).toBe(runId);
    } finally {
      clearInterval(ask);
    }
  });

  it('let a checkpoint finish once lookups pause', async () => {
    const { file, reader } = stores();
    await recordElsewhere(file, 'k');
    const db = new DatabaseSync(file, { timeout: 0 });
    try {
      // Something in the WAL for the checkpoint to copy, written after the lookup's snapshot.
      expect(reader.findCached('k')).toBeDefined();
      db.exec('CREATE TABLE scratch (x); INSERT INTO scratch VALUES (1)');
      await vi.waitFor(
        () => {
          const r = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number };
          expect(r.busy).toBe(0);
        },
        { timeout: 10_000 },
      );
    } finally {
      db.close();
    }
  });
});
