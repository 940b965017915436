/**
 * @module
 * Two implementations of one resource, a store of measurements: in memory
 * for development (it cannot follow a task into another process), and a
 * SQLite file through node:sqlite for a production-like mode.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { resource } from '@weft/core';
import { z } from 'zod';

export interface Reading {
  readonly station: string;
  readonly tempC: number;
}

/** What tasks see, whichever mode they run in. */
export interface ReadingStore {
  insert(readings: readonly Reading[]): number;
  stations(): { station: string; count: number; meanC: number }[];
}

export const memoryStore = resource({
  processSafe: false,
  create: (): ReadingStore => {
    const rows: Reading[] = [];
    return {
      insert: (readings) => rows.push(...readings) && readings.length,
      stations: () => {
        const by = Map.groupBy(rows, (r) => r.station);
        return [...by].map(([station, rs]) => ({
          station,
          count: rs.length,
          meanC: rs.reduce((s, r) => s + r.tempC, 0) / rs.length,
        }));
      },
    };
  },
});

export const sqliteStore = resource({
  config: z.object({ path: z.string().min(1) }),
  create: ({ config, log }) => {
    mkdirSync(dirname(config.path), { recursive: true });
    const db = new DatabaseSync(config.path);
    // Several workers may share the file: wait for each other's writes.
    db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS readings (station TEXT NOT NULL, temp_c REAL NOT NULL)');
    log.info('opened reading store');
    const insert = db.prepare('INSERT INTO readings (station, temp_c) VALUES (?, ?)');
    const value: ReadingStore = {
      insert: (readings) => {
        db.exec('BEGIN');
        for (const r of readings) insert.run(r.station, r.tempC);
        db.exec('COMMIT');
        return readings.length;
      },
      stations: () =>
        db
          .prepare(
            'SELECT station, COUNT(*) AS count, AVG(temp_c) AS meanC FROM readings GROUP BY station ORDER BY station',
          )
          .all() as { station: string; count: number; meanC: number }[],
    };
    return { value, dispose: () => db.close() };
  },
});
